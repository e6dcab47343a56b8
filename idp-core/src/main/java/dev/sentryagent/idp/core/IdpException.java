package dev.sentryagent.idp.core;

import java.util.Objects;

/**
 * The one unchecked exception type of the library. Its message is a single sentence a person can
 * act on and never contains a token, a secret or a key.
 */
public class IdpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public IdpException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public IdpException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** What failed, in OAuth's vocabulary. */
    public ErrorCode code() {
        return code;
    }
}
