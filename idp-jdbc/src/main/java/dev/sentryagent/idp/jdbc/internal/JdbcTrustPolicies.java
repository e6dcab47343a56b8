package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustConditions;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import java.sql.Types;

/** Trust policies in table {@code oidc_trust_policies}. */
public final class JdbcTrustPolicies implements TrustPolicyRepository {
    private static final String COLUMNS = "id, provider, repository, branch, agent_id, repository_id, "
            + "repository_owner_id, conditions, audiences, token_ttl_seconds, created_at";

    private final Sql sql;

    public JdbcTrustPolicies(Sql sql) {
        this.sql = sql;
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
        return sql.call(handle -> {
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
                return policy;
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw new DuplicatePolicyException(existingId(handle, policy));
                }
                if (Sql.isForeignKeyViolation(e)) {
                    throw new InvalidRequestException("agentId must name an existing agent, got " + policy.agentId());
                }
                throw e;
            }
        });
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
        return sql.call(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM oidc_trust_policies "
                        + "WHERE provider = :provider AND repository_key = :repositoryKey AND agent_key = :agentKey")
                .bind("provider", provider)
                .bind("repositoryKey", repository.toLowerCase(Locale.ROOT))
                .bind("agentKey", agentId == null ? "" : agentId.toString())
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
        return sql.call(handle -> handle.createUpdate("DELETE FROM oidc_trust_policies WHERE id = :id")
                .bind("id", id).execute() > 0);
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
            handle.createUpdate("UPDATE oidc_trust_policies SET repository_id = :id, repository_owner_id = :ownerId "
                            + "WHERE provider = :provider AND repository_key = :repositoryKey "
                            + "AND repository_id IS NULL AND repository_owner_id IS NULL")
                    .bind("provider", provider)
                    .bind("repositoryKey", repositoryKey)
                    .bind("id", target.repositoryId())
                    .bind("ownerId", target.repositoryOwnerId())
                    .execute();
            return pinned(handle, provider, repositoryKey).orElse(target);
        });
    }
}
