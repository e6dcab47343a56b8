package dev.sentryagent.idp.core;

/**
 * Why the trust policies refused an otherwise valid token: the detail of
 * {@link ErrorCode#ACCESS_DENIED}, carried by {@link AccessDeniedException#reason()}.
 */
public enum DenialReason {
    /** No policy admits the repository (and agent), or the event or pinned ids do not match. */
    TRUST_POLICY_VIOLATION("Trust policy violation"),
    /** Policies exist for the repository (and agent), but none permits the token's ref. */
    BRANCH_NOT_PERMITTED("Branch not permitted");

    private final String prefix;

    DenialReason(String prefix) {
        this.prefix = prefix;
    }

    /** The words every description of this denial begins with. */
    public String prefix() {
        return prefix;
    }
}
