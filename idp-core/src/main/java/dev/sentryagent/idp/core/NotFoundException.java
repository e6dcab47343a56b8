package dev.sentryagent.idp.core;

/** The addressed resource does not exist. */
public final class NotFoundException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * An absence, with code {@link ErrorCode#NOT_FOUND}.
     *
     * @param message names what was looked for, e.g. the agent's id
     */
    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
