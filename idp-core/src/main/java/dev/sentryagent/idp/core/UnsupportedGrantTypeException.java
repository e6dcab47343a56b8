package dev.sentryagent.idp.core;

/** A token request names a grant type other than token exchange. Code {@link ErrorCode#UNSUPPORTED_GRANT_TYPE}. */
public final class UnsupportedGrantTypeException extends IdpException {
    private static final long serialVersionUID = 1L;

    public UnsupportedGrantTypeException(String message) {
        super(ErrorCode.UNSUPPORTED_GRANT_TYPE, message);
    }
}
