package dev.sentryagent.idp.core;

/** A token request names a grant type other than token exchange. Code {@link ErrorCode#UNSUPPORTED_GRANT_TYPE}. */
public final class UnsupportedGrantTypeException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of the grant type, with code {@link ErrorCode#UNSUPPORTED_GRANT_TYPE}.
     *
     * @param message names the grant type this IdP supports
     */
    public UnsupportedGrantTypeException(String message) {
        super(ErrorCode.UNSUPPORTED_GRANT_TYPE, message);
    }
}
