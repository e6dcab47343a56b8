package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores trust policies. Every method is atomic; implementations must be thread-safe, and a
 * store shared by several servers must stay correct when they race.
 */
public interface TrustPolicyRepository {

    /**
     * Stores a new policy.
     *
     * @throws dev.sentryagent.idp.core.DuplicatePolicyException when a policy with the same
     *     {@link TrustPolicy#identityKey()} exists (provider, repository, branch, agent, conditions,
     *     audiences and lifetime), naming that policy
     * @throws dev.sentryagent.idp.core.InvalidRequestException when its agent does not exist
     */
    TrustPolicy create(TrustPolicy policy);

    Optional<TrustPolicy> findById(UUID id);

    /**
     * The policies that could admit an exchange: same provider, same repository (case-insensitive),
     * and the given agent, or, for {@code agentId == null}, only the policies that name no agent.
     */
    List<TrustPolicy> findCandidates(String provider, String repository, UUID agentId);

    /** A page of policies that match the query's filters, in id order. */
    Page<TrustPolicy> list(TrustPolicyQuery query);

    /** Deletes a policy; false when there was none. */
    boolean delete(UUID id);

    /**
     * The ids the policies of {@code provider} and {@code repository} (case-insensitive) are pinned
     * to: those of the earliest created policy of the repository that has them; empty when none has.
     */
    Optional<RepositoryIds> findRepositoryIds(String provider, String repository);

    /**
     * Pins the ids of a repository, atomically: every policy of {@code provider} and
     * {@code repository} without ids gets the repository's pinned ids ({@link #findRepositoryIds}),
     * or {@code ids} where the repository has none yet. Returns the repository's ids as stored
     * afterwards, so a caller that lost a race sees the winner's ids.
     */
    RepositoryIds pinRepositoryIds(String provider, String repository, RepositoryIds ids);
}
