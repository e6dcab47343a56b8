package dev.sentryagent.idp.core;

/**
 * The store answered with an error that retrying will not cure (a broken schema, a constraint the
 * code does not expect): a server fault, never the caller's. Code {@link ErrorCode#SERVER_ERROR}.
 * A store that cannot be reached throws {@link UnavailableException} instead.
 */
public final class StoreFailedException extends IdpException {
    private static final long serialVersionUID = 1L;

    public StoreFailedException(String message, Throwable cause) {
        super(ErrorCode.SERVER_ERROR, message, cause);
    }
}
