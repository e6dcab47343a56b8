package dev.sentryagent.idp.core;

import java.util.Objects;
import java.util.UUID;

/** A trust policy with the same provider, repository, branch and agent already exists. */
public final class DuplicatePolicyException extends IdpException {
    private static final long serialVersionUID = 1L;

    /** The policy that already exists; never null. */
    private final UUID existingId;

    /**
     * A conflict with the policy {@code existingId}, whose id the message names.
     *
     * @param existingId the id of the stored policy the new one duplicates
     * @throws NullPointerException if {@code existingId} is null
     */
    public DuplicatePolicyException(UUID existingId) {
        super(ErrorCode.CONFLICT, "An identical trust policy already exists: " + existingId);
        this.existingId = Objects.requireNonNull(existingId, "existingId");
    }

    /** {@return the id of the policy that already exists} */
    public UUID existingId() {
        return existingId;
    }
}
