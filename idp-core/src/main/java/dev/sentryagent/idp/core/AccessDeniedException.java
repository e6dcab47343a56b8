package dev.sentryagent.idp.core;

import java.util.Objects;

/** The trust policies refused the exchange; the message begins with {@link DenialReason#prefix()}. */
public final class AccessDeniedException extends IdpException {
    private static final long serialVersionUID = 1L;

    private final DenialReason reason;

    public AccessDeniedException(DenialReason reason, String detail) {
        super(ErrorCode.ACCESS_DENIED, reason.prefix() + ": " + detail);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DenialReason reason() {
        return reason;
    }
}
