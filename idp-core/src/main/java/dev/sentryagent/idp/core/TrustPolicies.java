package dev.sentryagent.idp.core;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The decision of steps 3 and 4 of the exchange: which trust policy, if any, admits a verified
 * identity. Pure: reads nothing and writes nothing; pinning is the caller's next step.
 */
public final class TrustPolicies {
    /** The event whose runs are always refused: fork code running with the base repository's identity. */
    public static final String PULL_REQUEST_TARGET = "pull_request_target";

    private static final Comparator<TrustPolicy> PREFERENCE = Comparator
            .comparing((TrustPolicy p) -> p.branch() == null)          // an exact branch before "any ref"
            .thenComparing(p -> p.repositoryId() == null)             // a pinned policy before an unpinned one
            .thenComparing(p -> p.id().toString());

    private TrustPolicies() {
    }

    /**
     * The policy that admits {@code identity} for {@code agentId} (null: bootstrap), chosen among
     * {@code candidates}, the policies stored for the identity's provider and repository and that
     * agent.
     *
     * @throws AccessDeniedException saying what did not match and what the policies expected
     */
    public static TrustPolicy evaluate(CiIdentity identity, UUID agentId, List<TrustPolicy> candidates) {
        Objects.requireNonNull(identity, "identity");
        List<TrustPolicy> matching = candidates.stream()
                .filter(p -> p.provider().equals(identity.provider())
                        && p.repository().equalsIgnoreCase(identity.repository())
                        && Objects.equals(p.agentId(), agentId))
                .toList();
        if (PULL_REQUEST_TARGET.equals(identity.eventName())) {
            throw new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, "runs triggered by "
                    + PULL_REQUEST_TARGET + " are refused (repository " + identity.repository()
                    + "): they run with the base repository's identity on behalf of a fork's code");
        }
        if (matching.isEmpty()) {
            throw new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, agentId == null
                    ? "no bootstrap trust policy (one without agentId) for provider " + identity.provider()
                    + " and repository " + identity.repository()
                    : "no trust policy for provider " + identity.provider() + ", repository "
                    + identity.repository() + " and agent " + agentId);
        }
        Optional<String> branch = identity.branch();
        List<TrustPolicy> branchAdmitted = matching.stream()
                .filter(p -> p.branch() == null || branch.map(p.branch()::equals).orElse(false))
                .toList();
        if (branchAdmitted.isEmpty()) {
            String permitted = matching.stream().map(TrustPolicy::branch).distinct().sorted()
                    .collect(Collectors.joining(", "));
            throw new AccessDeniedException(DenialReason.BRANCH_NOT_PERMITTED, branch
                    .map(b -> "branch " + b + " is not permitted")
                    .orElse("ref " + identity.ref() + " is not a branch")
                    + "; the trust policies for repository " + identity.repository()
                    + (agentId == null ? "" : " and agent " + agentId) + " permit branches " + permitted);
        }
        List<TrustPolicy> admitted = branchAdmitted.stream().filter(p -> idsMatch(p, identity)).toList();
        if (admitted.isEmpty()) {
            throw pinnedMismatch(branchAdmitted.stream().min(PREFERENCE).orElseThrow(), identity);
        }
        return admitted.stream().min(PREFERENCE).orElseThrow();
    }

    /** True when the policy's pinned ids, where set, equal the identity's. */
    public static boolean idsMatch(TrustPolicy policy, CiIdentity identity) {
        return (policy.repositoryId() == null || policy.repositoryId() == identity.repositoryId())
                && (policy.repositoryOwnerId() == null || policy.repositoryOwnerId() == identity.repositoryOwnerId());
    }

    /** The denial for a policy pinned to other repository ids than the identity's. */
    public static AccessDeniedException pinnedMismatch(TrustPolicy policy, CiIdentity identity) {
        return new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, "repository "
                + identity.repository() + " has repository_id " + identity.repositoryId()
                + " and repository_owner_id " + identity.repositoryOwnerId() + ", but trust policy "
                + policy.id() + " is pinned to repositoryId " + policy.repositoryId() + " and repositoryOwnerId "
                + policy.repositoryOwnerId() + " (was the repository deleted and re-created?)");
    }
}
