package dev.sentryagent.idp.core;

/**
 * Signing an access token failed: a key in the store cannot sign (a server fault, never the
 * caller's). Code {@link ErrorCode#SERVER_ERROR}.
 */
public final class SigningFailedException extends IdpException {
    private static final long serialVersionUID = 1L;

    public SigningFailedException(String message, Throwable cause) {
        super(ErrorCode.SERVER_ERROR, message, cause);
    }
}
