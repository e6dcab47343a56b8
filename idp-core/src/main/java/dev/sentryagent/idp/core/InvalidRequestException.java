package dev.sentryagent.idp.core;

/** The caller's input is malformed or breaks a rule; the message names the field and the rule. */
public final class InvalidRequestException extends IdpException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(ErrorCode.INVALID_REQUEST, message);
    }
}
