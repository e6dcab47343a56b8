package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustConditions;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import java.sql.Types;

/**
 * Trust policies in table {@code oidc_trust_policies}.
 *
 * <p>{@link #findCandidates}, which every exchange calls, answers from memory while the policies
 * have not changed: every change made here (and {@link JdbcAgents#delete}, whose agent's policies
 * the database deletes with it) adds one to the single row of {@code oidc_policy_revision} in its
 * own transaction, and each call reads that row first (one primary-key read, plain JDBC) and reads
 * the policies again only when it differs from the revision they were cached at. So a policy
 * deleted or pinned through any server on the database stops (or starts) counting at once on all
 * of them, exactly as without the cache.
 */
public final class JdbcTrustPolicies implements TrustPolicyRepository {
    private static final String COLUMNS = "id, provider, repository, branch, agent_id, repository_id, "
            + "repository_owner_id, conditions, audiences, token_ttl_seconds, created_at";
    private static final String REVISION = "SELECT revision FROM oidc_policy_revision WHERE id = 1";
    /** Adds one to the revision; part of every transaction that changes a policy. */
    static final String BUMP_REVISION = "UPDATE oidc_policy_revision SET revision = revision + 1 WHERE id = 1";
    /**
     * Candidate lists kept per revision, at most this many: the keys come from verified tokens, and
     * anyone can get a token for a repository of their own, so the cache starts over when full.
     */
    static final int MAX_CACHED = 10_000;

    private final Sql sql;
    private final DataSource dataSource;
    private volatile Cached cached = new Cached(-1);

    public JdbcTrustPolicies(Sql sql, DataSource dataSource) {
        this.sql = sql;
        this.dataSource = dataSource;
    }

    private record CandidateKey(String provider, String repositoryKey, String agentKey) {
    }

    /** Candidate lists read at {@code revision} or later (never earlier). */
    private record Cached(long revision, Map<CandidateKey, List<TrustPolicy>> lists) {
        Cached(long revision) {
            this(revision, new ConcurrentHashMap<>());
        }
    }

    static TrustPolicy map(ResultSet rs) throws SQLException {
        String audiences = rs.getString("audiences");
        Long ttl = Sql.nullableLong(rs, "token_ttl_seconds");
        return new TrustPolicy(rs.getObject("id", UUID.class), rs.getString("provider"), rs.getString("repository"),
                rs.getString("branch"), rs.getObject("agent_id", UUID.class), Sql.nullableLong(rs, "repository_id"),
                Sql.nullableLong(rs, "repository_owner_id"), TrustConditions.fromJson(rs.getString("conditions")),
                audiences == null ? null : List.of(audiences.split(" ")), ttl == null ? null : Duration.ofSeconds(ttl),
                Sql.instant(rs.getLong("created_at")));
    }

    @Override
    public TrustPolicy create(TrustPolicy policy) {
        try {
            return sql.inTransaction(handle -> insert(handle, policy));
        } catch (PolicyExists e) {
            throw new DuplicatePolicyException(sql.call(handle -> existingId(handle, policy)));
        }
    }

    /** Thrown out of the insert's transaction, so that the lookup of the clash runs after its rollback. */
    private static final class PolicyExists extends RuntimeException {
        PolicyExists() {
            super(null, null, false, false);
        }
    }

    private static TrustPolicy insert(Handle handle, TrustPolicy policy) {
        try {
            Update insert = handle.createUpdate("INSERT INTO oidc_trust_policies (id, provider, repository, repository_key, branch, "
                            + "branch_key, agent_id, agent_key, repository_id, repository_owner_id, conditions, audiences, "
                            + "token_ttl_seconds, shape_key, created_at) "
                            + "VALUES (:id, :provider, :repository, :repositoryKey, :branch, :branchKey, :agentId, "
                            + ":agentKey, :repositoryId, :repositoryOwnerId, :conditions, :audiences, :ttl, :shapeKey, "
                            + ":createdAt)")
                    .bind("id", policy.id())
                    .bind("provider", policy.provider())
                    .bind("repository", policy.repository())
                    .bind("repositoryKey", policy.repositoryKey())
                    .bindByType("branch", policy.branch(), String.class)
                    .bind("branchKey", policy.branch() == null ? "" : policy.branch())
                    .bind("agentKey", policy.agentId() == null ? "" : policy.agentId().toString())
                    .bindByType("repositoryId", policy.repositoryId(), Long.class)
                    .bindByType("repositoryOwnerId", policy.repositoryOwnerId(), Long.class)
                    .bindByType("conditions", policy.conditions().isEmpty() ? null : policy.conditions().toJson(),
                            String.class)
                    .bindByType("audiences", policy.audiences() == null ? null : String.join(" ", policy.audiences()),
                            String.class)
                    .bindByType("ttl", policy.tokenTtl() == null ? null : (int) policy.tokenTtl().toSeconds(),
                            Integer.class)
                    .bind("shapeKey", policy.shapeKey())
                    .bind("createdAt", Sql.millis(policy.createdAt()));
            // An untyped null would reach PostgreSQL as varchar, which a uuid column refuses.
            if (policy.agentId() == null) {
                insert.bindNull("agentId", Types.OTHER);
            } else {
                insert.bind("agentId", policy.agentId());
            }
            insert.execute();
        } catch (JdbiException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new PolicyExists();
            }
            if (Sql.isForeignKeyViolation(e)) {
                throw new InvalidRequestException("agentId must name an existing agent, got " + policy.agentId());
            }
            throw e;
        }
        handle.execute(BUMP_REVISION);
        return policy;
    }

    private static UUID existingId(Handle handle, TrustPolicy policy) {
        return handle.createQuery("SELECT id FROM oidc_trust_policies WHERE provider = :provider "
                        + "AND repository_key = :repositoryKey AND agent_key = :agentKey AND branch_key = :branchKey "
                        + "AND shape_key = :shapeKey")
                .bind("provider", policy.provider())
                .bind("repositoryKey", policy.repositoryKey())
                .bind("branchKey", policy.branch() == null ? "" : policy.branch())
                .bind("agentKey", policy.agentId() == null ? "" : policy.agentId().toString())
                .bind("shapeKey", policy.shapeKey())
                .map((rs, ctx) -> rs.getObject("id", UUID.class))
                .findOne()
                .orElse(policy.id()); // the clash was on the primary key itself
    }

    @Override
    public Optional<TrustPolicy> findById(UUID id) {
        return sql.call(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM oidc_trust_policies WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<TrustPolicy> findCandidates(String provider, String repository, UUID agentId) {
        String repositoryKey = repository.toLowerCase(Locale.ROOT);
        String agentKey = agentId == null ? "" : agentId.toString();
        long revision = revision();
        Cached current = cached;
        if (current.revision() != revision) {
            // Read at or after the revision it is filed under, so an older list is never filed
            // under a newer revision; a writer changing it meanwhile makes the next call read again.
            current = new Cached(revision);
            cached = current;
        }
        Map<CandidateKey, List<TrustPolicy>> lists = current.lists();
        CandidateKey key = new CandidateKey(provider, repositoryKey, agentKey);
        List<TrustPolicy> found = lists.get(key);
        if (found == null) {
            found = List.copyOf(read(provider, repositoryKey, agentKey));
            if (lists.size() >= MAX_CACHED) {
                lists.clear();
            }
            lists.put(key, found);
        }
        return found;
    }

    private long revision() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(REVISION);
             ResultSet rs = query.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("oidc_policy_revision has no row 1: restore it with "
                        + "INSERT INTO oidc_policy_revision (id, revision) VALUES (1, 0)");
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw Sql.translate(e);
        }
    }

    private List<TrustPolicy> read(String provider, String repositoryKey, String agentKey) {
        return sql.call(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM oidc_trust_policies "
                        + "WHERE provider = :provider AND repository_key = :repositoryKey AND agent_key = :agentKey")
                .bind("provider", provider)
                .bind("repositoryKey", repositoryKey)
                .bind("agentKey", agentKey)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public Page<TrustPolicy> list(TrustPolicyQuery query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (query.provider() != null) {
            where.append(" AND provider = :provider");
        }
        if (query.repository() != null) {
            where.append(" AND repository_key = :repositoryKey");
        }
        if (query.agentId() != null) {
            where.append(" AND agent_key = :agentKey");
        }
        if (query.page().after() != null) {
            where.append(" AND CAST(id AS VARCHAR(36)) > :after");
        }
        String statement = "SELECT " + COLUMNS + " FROM oidc_trust_policies" + where
                + " ORDER BY CAST(id AS VARCHAR(36)) LIMIT :limit";
        List<TrustPolicy> fetched = sql.call(handle -> {
            Query q = handle.createQuery(statement).bind("limit", query.page().limit() + 1);
            if (query.provider() != null) {
                q.bind("provider", query.provider());
            }
            if (query.repository() != null) {
                q.bind("repositoryKey", query.repository().toLowerCase(Locale.ROOT));
            }
            if (query.agentId() != null) {
                q.bind("agentKey", query.agentId().toString());
            }
            if (query.page().after() != null) {
                q.bind("after", query.page().after().toString());
            }
            return q.map((rs, ctx) -> map(rs)).list();
        });
        return Page.fromOverfetch(fetched, query.page().limit(), TrustPolicy::id);
    }

    @Override
    public boolean delete(UUID id) {
        return sql.inTransaction(handle -> {
            boolean deleted = handle.createUpdate("DELETE FROM oidc_trust_policies WHERE id = :id")
                    .bind("id", id).execute() > 0;
            if (deleted) {
                handle.execute(BUMP_REVISION);
            }
            return deleted;
        });
    }

    @Override
    public Optional<RepositoryIds> findRepositoryIds(String provider, String repository) {
        return sql.call(handle -> pinned(handle, provider, repository.toLowerCase(Locale.ROOT)));
    }

    private static Optional<RepositoryIds> pinned(Handle handle, String provider, String repositoryKey) {
        return handle.createQuery("SELECT repository_id, repository_owner_id FROM oidc_trust_policies "
                        + "WHERE provider = :provider AND repository_key = :repositoryKey "
                        + "AND repository_id IS NOT NULL AND repository_owner_id IS NOT NULL "
                        + "ORDER BY created_at, CAST(id AS VARCHAR(36)) LIMIT 1")
                .bind("provider", provider)
                .bind("repositoryKey", repositoryKey)
                .map((rs, ctx) -> new RepositoryIds(rs.getLong("repository_id"), rs.getLong("repository_owner_id")))
                .findOne();
    }

    @Override
    public RepositoryIds pinRepositoryIds(String provider, String repository, RepositoryIds ids) {
        String repositoryKey = repository.toLowerCase(Locale.ROOT);
        // The repository's rows are locked first, in one order, so that of two servers racing the
        // second waits for the first to commit and then reads the winner's ids: re-checking a
        // WHERE after a lock wait is PostgreSQL's behaviour, not H2's, so no UPDATE may rely on it.
        return sql.inTransaction(handle -> {
            handle.createQuery("SELECT id FROM oidc_trust_policies WHERE provider = :provider "
                            + "AND repository_key = :repositoryKey ORDER BY CAST(id AS VARCHAR(36)) FOR UPDATE")
                    .bind("provider", provider)
                    .bind("repositoryKey", repositoryKey)
                    .mapTo(String.class)
                    .list();
            RepositoryIds target = pinned(handle, provider, repositoryKey).orElse(ids);
            int updated = handle.createUpdate("UPDATE oidc_trust_policies SET repository_id = :id, repository_owner_id = :ownerId "
                            + "WHERE provider = :provider AND repository_key = :repositoryKey "
                            + "AND repository_id IS NULL AND repository_owner_id IS NULL")
                    .bind("provider", provider)
                    .bind("repositoryKey", repositoryKey)
                    .bind("id", target.repositoryId())
                    .bind("ownerId", target.repositoryOwnerId())
                    .execute();
            if (updated > 0) {
                handle.execute(BUMP_REVISION);
            }
            return pinned(handle, provider, repositoryKey).orElse(target);
        });
    }
}
