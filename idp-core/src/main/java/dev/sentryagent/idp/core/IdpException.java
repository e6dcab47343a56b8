package dev.sentryagent.idp.core;

import java.util.Objects;

/**
 * The base of every exception the library throws on purpose. Abstract: each throw names what
 * failed through a subclass ({@link InvalidRequestException}, {@link InvalidTokenException},
 * {@link AccessDeniedException}, ...), and each subclass carries one {@link ErrorCode}, the
 * machine-readable code a caller maps to its wire. Subclasses with several causes carry a finer
 * detail: {@link InvalidTokenException#failure()}, {@link AccessDeniedException#reason()}.
 *
 * <p>The message is a single sentence a person can act on and never contains a token, a secret or
 * a key.
 */
public abstract class IdpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    protected IdpException(ErrorCode code, String message) {
        this(code, message, null);
    }

    protected IdpException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** What failed, in OAuth's vocabulary. */
    public ErrorCode code() {
        return code;
    }
}
