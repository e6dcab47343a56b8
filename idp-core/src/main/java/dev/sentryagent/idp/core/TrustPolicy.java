package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who may exchange what: tokens of {@code provider} for {@code repository} (names compare
 * case-insensitively), optionally only from {@code branch} or refs matching
 * {@code conditions.refs}, optionally only when the other {@code conditions} hold, and optionally
 * for one agent. A policy without an agent admits bootstrap exchanges; a policy without a branch
 * or refs admits any branch ({@code refs/heads/**}) but no tag or other ref. The repository's
 * numeric ids pin every policy of the repository to one repository for good: given at creation,
 * inherited from the repository's other policies, or pinned by the first exchange admitted.
 *
 * @param id the policy's id
 * @param provider the provider name, e.g. {@code github}
 * @param repository {@code owner/name}
 * @param branch a git branch name without {@code refs/heads/}, or null
 * @param agentId the agent this policy admits tokens for, or null for bootstrap
 * @param repositoryId the pinned repository id, or null until pinned
 * @param repositoryOwnerId the pinned owner id, or null until pinned
 * @param conditions the further conditions, {@link TrustConditions#NONE} for none (null means none)
 * @param audiences the audiences tokens issued under this policy may carry, or null
 * @param tokenTtl the lifetime of tokens issued under this policy, or null for the server's
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
        TrustConditions conditions,
        List<String> audiences,
        Duration tokenTtl,
        Instant createdAt) {

    /** The event whose runs are always refused: a fork's code running with the base repository's identity. */
    public static final String PULL_REQUEST_TARGET = "pull_request_target";
    /** The shortest {@link #tokenTtl()} a policy may set. */
    public static final Duration MIN_TOKEN_TTL = Duration.ofMinutes(1);
    /** The longest {@link #tokenTtl()} a policy may set. */
    public static final Duration MAX_TOKEN_TTL = Duration.ofHours(1);
    private static final int MAX_AUDIENCES = 10;

    public TrustPolicy {
        Objects.requireNonNull(id, "id");
        Names.provider(provider);
        Names.repository(repository);
        Names.branch(branch);
        positive("repositoryId", repositoryId);
        positive("repositoryOwnerId", repositoryOwnerId);
        conditions = conditions == null ? TrustConditions.NONE : conditions;
        if (branch != null && conditions.refs() != null) {
            throw new InvalidRequestException("branch and conditions.refs cannot be combined: branch \"" + branch
                    + "\" means conditions.refs [\"refs/heads/" + branch + "\"]; give one of them");
        }
        audiences = audiences == null ? null : audiences(audiences);
        if (tokenTtl != null && (tokenTtl.compareTo(MIN_TOKEN_TTL) < 0 || tokenTtl.compareTo(MAX_TOKEN_TTL) > 0)) {
            throw new InvalidRequestException("tokenTtl must be between PT1M and PT1H, got " + tokenTtl);
        }
        if (tokenTtl != null && tokenTtl.getNano() != 0) {
            throw new InvalidRequestException("tokenTtl must be whole seconds, got " + tokenTtl);
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A version 1 policy: no conditions, audiences or lifetime of its own. */
    public TrustPolicy(UUID id, String provider, String repository, String branch, UUID agentId,
                       Long repositoryId, Long repositoryOwnerId, Instant createdAt) {
        this(id, provider, repository, branch, agentId, repositoryId, repositoryOwnerId, null, null, null, createdAt);
    }

    /** A new policy with a fresh id, created now. Validates every field. */
    public static TrustPolicy create(String provider, String repository, String branch, UUID agentId,
                                     Long repositoryId, Long repositoryOwnerId) {
        return new TrustPolicy(UUID.randomUUID(), provider, repository, branch, agentId,
                repositoryId, repositoryOwnerId, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A new policy with a fresh id and no pinned ids. */
    public static TrustPolicy create(String provider, String repository, String branch, UUID agentId) {
        return create(provider, repository, branch, agentId, null, null);
    }

    /** A builder of a new policy with a fresh id, created now. */
    public static Builder builder(String provider, String repository) {
        return new Builder(provider, repository);
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

    /** The repository as it compares: names are case-insensitive. */
    public String repositoryKey() {
        return repository.toLowerCase(Locale.ROOT);
    }

    /** The pinned ids, when both are set. */
    public Optional<RepositoryIds> pinnedIds() {
        return repositoryId == null || repositoryOwnerId == null ? Optional.empty()
                : Optional.of(new RepositoryIds(repositoryId, repositoryOwnerId));
    }

    /**
     * The refs this policy admits, as patterns: its branch, its {@code conditions.refs}, or any
     * branch ({@code refs/heads/**}).
     */
    public List<String> refPatterns() {
        if (branch != null) {
            return List.of("refs/heads/" + branch);
        }
        return conditions.refs() != null ? conditions.refs() : List.of("refs/heads/**");
    }

    /** True when this policy admits {@code ref} (see {@link #refPatterns()}). */
    public boolean admitsRef(String ref) {
        if (branch != null) {
            return ref.equals("refs/heads/" + branch);
        }
        if (conditions.refs() != null) {
            return conditions.refMatches(ref);
        }
        return ref.startsWith("refs/heads/") && ref.length() > "refs/heads/".length();
    }

    /**
     * What makes two policies identical: provider, repository (any case), branch, agent and
     * {@link #shapeKey()}. Every store enforces it: one home for the rule.
     */
    public String identityKey() {
        return provider + ' ' + repositoryKey() + ' ' + (branch == null ? "" : branch) + ' '
                + (agentId == null ? "" : agentId) + ' ' + shapeKey();
    }

    /**
     * The part of {@link #identityKey()} that version 2 added: a digest of the conditions,
     * audiences and lifetime, empty when the policy has none (so every version 1 policy has the
     * empty key). Stores keep it in a column of fixed size.
     */
    public String shapeKey() {
        if (conditions.isEmpty() && audiences == null && tokenTtl == null) {
            return "";
        }
        String canonical = conditions.canonical() + '\n'
                + (audiences == null ? "" : String.join(" ", new TreeSet<>(audiences))) + '\n'
                + (tokenTtl == null ? "" : tokenTtl.toString());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** This policy with the given ids pinned where it had none. */
    public TrustPolicy pinned(long repositoryId, long repositoryOwnerId) {
        return new TrustPolicy(id, provider, repository, branch, agentId,
                this.repositoryId == null ? repositoryId : this.repositoryId,
                this.repositoryOwnerId == null ? repositoryOwnerId : this.repositoryOwnerId,
                conditions, audiences, tokenTtl, createdAt);
    }

    private static void positive(String field, Long value) {
        if (value != null && value <= 0) {
            throw new InvalidRequestException(field + " must be a positive number, got " + value);
        }
    }

    private static List<String> audiences(List<String> audiences) {
        if (audiences.isEmpty() || audiences.size() > MAX_AUDIENCES) {
            throw new InvalidRequestException("audiences must hold 1 to " + MAX_AUDIENCES + " entries, got "
                    + audiences.size());
        }
        List<String> copy = new ArrayList<>();
        for (Object audience : audiences) {
            if (!(audience instanceof String uri) || uri.isBlank()) {
                throw new InvalidRequestException("audiences entries must be non-empty strings");
            }
            try {
                if (!Settings.secureUrl("audiences", uri).isAbsolute() || uri.length() > 2048) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("audiences entries must be absolute https URIs (plain http only on "
                        + "loopback), got " + Names.quote(uri));
            }
            copy.add(uri);
        }
        return List.copyOf(copy);
    }

    /** Settings of a new {@link TrustPolicy}; {@link #build()} validates every field. */
    public static final class Builder {
        private final String provider;
        private final String repository;
        private String branch;
        private UUID agentId;
        private Long repositoryId;
        private Long repositoryOwnerId;
        private TrustConditions conditions;
        private List<String> audiences;
        private Duration tokenTtl;

        private Builder(String provider, String repository) {
            this.provider = provider;
            this.repository = repository;
        }

        /** One exact branch, without {@code refs/heads/}. */
        public Builder branch(String branch) {
            this.branch = branch;
            return this;
        }

        /** The agent tokens are issued for; unset for a bootstrap policy. */
        public Builder agentId(UUID agentId) {
            this.agentId = agentId;
            return this;
        }

        /** The repository's ids, when known at creation. */
        public Builder repositoryIds(Long repositoryId, Long repositoryOwnerId) {
            this.repositoryId = repositoryId;
            this.repositoryOwnerId = repositoryOwnerId;
            return this;
        }

        /** Further conditions; unset or {@link TrustConditions#NONE} for none. */
        public Builder conditions(TrustConditions conditions) {
            this.conditions = conditions;
            return this;
        }

        /** 1 to 10 absolute https URIs (plain http on loopback) issued tokens may carry as {@code aud}. */
        public Builder audiences(List<String> audiences) {
            this.audiences = audiences;
            return this;
        }

        /** The lifetime of tokens issued under the policy: 1 minute to 1 hour, whole seconds. */
        public Builder tokenTtl(Duration tokenTtl) {
            this.tokenTtl = tokenTtl;
            return this;
        }

        /** @throws InvalidRequestException naming the field and the rule it breaks */
        public TrustPolicy build() {
            return new TrustPolicy(UUID.randomUUID(), provider, repository, branch, agentId, repositoryId,
                    repositoryOwnerId, conditions, audiences, tokenTtl, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
    }
}
