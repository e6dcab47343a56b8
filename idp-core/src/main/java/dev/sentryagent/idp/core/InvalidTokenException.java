package dev.sentryagent.idp.core;

import java.util.Objects;

/** A token was refused; {@link #failure()} says which check failed. */
public final class InvalidTokenException extends IdpException {
    private static final long serialVersionUID = 1L;

    /** Which check failed; never null. */
    private final TokenFailure failure;

    /**
     * A refused token, with code {@link ErrorCode#INVALID_TOKEN}.
     *
     * @param failure which check failed
     * @param message one sentence saying what was wrong, never the token itself
     * @throws NullPointerException if {@code failure} is null
     */
    public InvalidTokenException(TokenFailure failure, String message) {
        super(ErrorCode.INVALID_TOKEN, message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** {@return which check failed, never null} */
    public TokenFailure failure() {
        return failure;
    }
}
