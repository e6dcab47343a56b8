package dev.sentryagent.idp.core;

import java.util.Objects;

/** A token was refused; {@link #failure()} says which check failed. */
public final class InvalidTokenException extends IdpException {
    private static final long serialVersionUID = 1L;

    private final TokenFailure failure;

    public InvalidTokenException(TokenFailure failure, String message) {
        super(ErrorCode.INVALID_TOKEN, message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public TokenFailure failure() {
        return failure;
    }
}
