package dev.sentryagent.idp.core;

/**
 * A dependency (the store, or a provider's key set) cannot answer right now. Never means "no":
 * callers must treat it as "try again", not as a denial or an absence.
 */
public final class UnavailableException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure to answer, with code {@link ErrorCode#TEMPORARILY_UNAVAILABLE}.
     *
     * @param message names the dependency that cannot answer
     * @param cause the underlying failure, or null
     */
    public UnavailableException(String message, Throwable cause) {
        super(ErrorCode.TEMPORARILY_UNAVAILABLE, message, cause);
    }
}
