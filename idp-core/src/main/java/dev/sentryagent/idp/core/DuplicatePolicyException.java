package dev.sentryagent.idp.core;

import java.util.Objects;
import java.util.UUID;

/** A trust policy with the same provider, repository, branch and agent already exists. */
public final class DuplicatePolicyException extends IdpException {
    private static final long serialVersionUID = 1L;

    private final UUID existingId;

    public DuplicatePolicyException(UUID existingId) {
        super(ErrorCode.CONFLICT, "An identical trust policy already exists: " + existingId);
        this.existingId = Objects.requireNonNull(existingId, "existingId");
    }

    /** The id of the policy that already exists. */
    public UUID existingId() {
        return existingId;
    }
}
