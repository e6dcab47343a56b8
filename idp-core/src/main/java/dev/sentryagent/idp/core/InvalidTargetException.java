package dev.sentryagent.idp.core;

/**
 * The requested audience is neither this IdP's own nor one of an admitting trust policy's
 * {@code audiences} (RFC 8693 section 2.2.2). Code {@link ErrorCode#INVALID_TARGET}.
 */
public final class InvalidTargetException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of the requested audience.
     *
     * @param message one sentence naming the audience and what this IdP issues for
     */
    public InvalidTargetException(String message) {
        super(ErrorCode.INVALID_TARGET, message);
    }
}
