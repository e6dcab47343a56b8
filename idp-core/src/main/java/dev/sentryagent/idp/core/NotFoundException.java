package dev.sentryagent.idp.core;

/** The addressed resource does not exist. */
public final class NotFoundException extends IdpException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
