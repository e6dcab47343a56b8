package dev.sentryagent.idp.core;

/**
 * A dependency (the store, or a provider's key set) cannot answer right now. Never means "no":
 * callers must treat it as "try again", not as a denial or an absence.
 */
public final class UnavailableException extends IdpException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
        super(ErrorCode.TEMPORARILY_UNAVAILABLE, message, cause);
    }
}
