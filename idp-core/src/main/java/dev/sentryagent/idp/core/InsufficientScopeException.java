package dev.sentryagent.idp.core;

import java.util.Objects;

/** A valid access token of this IdP lacks the scope the operation needs. Code {@link ErrorCode#INSUFFICIENT_SCOPE}. */
public final class InsufficientScopeException extends IdpException {
    private static final long serialVersionUID = 1L;

    private final String requiredScope;

    public InsufficientScopeException(String requiredScope, String message) {
        super(ErrorCode.INSUFFICIENT_SCOPE, message);
        this.requiredScope = Objects.requireNonNull(requiredScope, "requiredScope");
    }

    /** The scope the operation needs, e.g. {@link Scopes#AGENTS_WRITE}. */
    public String requiredScope() {
        return requiredScope;
    }
}
