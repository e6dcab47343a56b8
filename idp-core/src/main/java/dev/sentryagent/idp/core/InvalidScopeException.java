package dev.sentryagent.idp.core;

/**
 * The requested scope is not the scope the exchange's mode issues ({@link Scopes#AGENTS_WRITE}
 * for bootstrap, {@link Scopes#AGENT} for an agent). Code {@link ErrorCode#INVALID_SCOPE}.
 */
public final class InvalidScopeException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of the requested scope.
     *
     * @param message one sentence naming the requested and the grantable scope
     */
    public InvalidScopeException(String message) {
        super(ErrorCode.INVALID_SCOPE, message);
    }
}
