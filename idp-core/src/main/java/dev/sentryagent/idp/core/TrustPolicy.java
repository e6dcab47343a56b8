package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may exchange what: tokens of {@code provider} for {@code repository} (GitHub names compare
 * case-insensitively), optionally only from {@code branch}, and optionally for one agent. A
 * policy without an agent admits bootstrap exchanges; a policy without a branch admits any ref.
 * The repository's numeric ids pin the policy to one repository for good: given here, or pinned
 * on the first exchange the policy admits.
 *
 * @param id the policy's id
 * @param provider the provider name, e.g. {@code github}
 * @param repository {@code owner/name}
 * @param branch a git branch name without {@code refs/heads/}, or null for any ref
 * @param agentId the agent this policy admits tokens for, or null for bootstrap
 * @param repositoryId the pinned repository id, or null until pinned
 * @param repositoryOwnerId the pinned owner id, or null until pinned
 * @param createdAt when it was created (whole seconds)
 */
public record TrustPolicy(
        UUID id,
        String provider,
        String repository,
        String branch,
        UUID agentId,
        Long repositoryId,
        Long repositoryOwnerId,
        Instant createdAt) {

    public TrustPolicy {
        Objects.requireNonNull(id, "id");
        Names.provider(provider);
        Names.repository(repository);
        Names.branch(branch);
        positive("repositoryId", repositoryId);
        positive("repositoryOwnerId", repositoryOwnerId);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new policy with a fresh id, created now. Validates every field. */
    public static TrustPolicy create(String provider, String repository, String branch, UUID agentId,
                                     Long repositoryId, Long repositoryOwnerId) {
        return new TrustPolicy(UUID.randomUUID(), provider, repository, branch, agentId,
                repositoryId, repositoryOwnerId, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A new policy with a fresh id, no branch restriction and no pinned ids. */
    public static TrustPolicy create(String provider, String repository, String branch, UUID agentId) {
        return create(provider, repository, branch, agentId, null, null);
    }

    public Optional<String> branchName() {
        return Optional.ofNullable(branch);
    }

    public Optional<UUID> agent() {
        return Optional.ofNullable(agentId);
    }

    /** True when the policy admits bootstrap exchanges (it names no agent). */
    public boolean isBootstrap() {
        return agentId == null;
    }

    /** The repository as it compares: GitHub names are case-insensitive. */
    public String repositoryKey() {
        return repository.toLowerCase(Locale.ROOT);
    }

    /** What makes two policies identical: provider, repository (any case), branch and agent. */
    public String identityKey() {
        return provider + ' ' + repositoryKey() + ' ' + (branch == null ? "" : branch) + ' '
                + (agentId == null ? "" : agentId);
    }

    /** This policy with the given ids pinned where it had none. */
    public TrustPolicy pinned(long repositoryId, long repositoryOwnerId) {
        return new TrustPolicy(id, provider, repository, branch, agentId,
                this.repositoryId == null ? repositoryId : this.repositoryId,
                this.repositoryOwnerId == null ? repositoryOwnerId : this.repositoryOwnerId,
                createdAt);
    }

    private static void positive(String field, Long value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(field + " must be a positive number, got " + value);
        }
    }
}
