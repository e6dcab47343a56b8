package dev.sentryagent.idp.core;

/** The caller's input is malformed or breaks a rule; the message names the field and the rule. */
public final class InvalidRequestException extends IdpException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of the input with code {@link ErrorCode#INVALID_REQUEST}.
     *
     * @param message names the field and the rule it breaks, e.g.
     *     {@code repository must be owner/name, got "x"}
     */
    public InvalidRequestException(String message) {
        super(ErrorCode.INVALID_REQUEST, message);
    }
}
