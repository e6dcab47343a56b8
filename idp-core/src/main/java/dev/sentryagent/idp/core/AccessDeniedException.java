package dev.sentryagent.idp.core;

import java.util.Objects;

/** The trust policies refused the exchange; the message begins with {@link DenialReason#prefix()}. */
public final class AccessDeniedException extends IdpException {
    private static final long serialVersionUID = 1L;

    /** Why the policies refused; never null. */
    private final DenialReason reason;

    /**
     * A denial; the message is {@code "<reason prefix>: <detail>"}.
     *
     * @param reason why the policies refused
     * @param detail what was expected and what the token had, without the token itself
     * @throws NullPointerException if {@code reason} is null
     */
    public AccessDeniedException(DenialReason reason, String detail) {
        super(ErrorCode.ACCESS_DENIED, reason.prefix() + ": " + detail);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** {@return why the policies refused, never null} */
    public DenialReason reason() {
        return reason;
    }
}
