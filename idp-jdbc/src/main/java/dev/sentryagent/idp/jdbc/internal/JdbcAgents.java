package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;

/** Agents in table {@code agents}; deleting one cascades to its trust policies. */
public final class JdbcAgents implements AgentRepository {
    private static final String COLUMNS = "id, name, description, created_at, created_by";

    private final Sql sql;
    private final JdbcReplayGuard replayGuard;

    public JdbcAgents(Sql sql, JdbcReplayGuard replayGuard) {
        this.sql = sql;
        this.replayGuard = replayGuard;
    }

    /** Rolls back the transaction of {@link #createSpending} when the token had been spent. */
    private static final class AlreadySpent extends RuntimeException {
        AlreadySpent() {
            super(null, null, false, false);
        }
    }

    static Agent map(ResultSet rs) throws SQLException {
        return new Agent(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                Sql.instant(rs.getLong("created_at")), rs.getString("created_by"));
    }

    /**
     * One transaction: the token's record in this store's replay table, then the agent; the
     * {@code replayGuard} argument is this store's own and is not used.
     */
    @Override
    public Optional<Agent> createSpending(Agent agent, ReplayGuard unused, String issuer, String jti, Instant keepUntil) {
        try {
            return Optional.of(sql.inTransaction(handle -> {
                boolean first;
                try {
                    first = replayGuard.firstUseIn(handle.getConnection(), issuer, jti, keepUntil);
                } catch (SQLException e) {
                    throw Sql.translate(e);
                }
                if (!first) {
                    throw new AlreadySpent();
                }
                return insert(handle, agent);
            }));
        } catch (AlreadySpent e) {
            return Optional.empty();
        }
    }

    @Override
    public Agent create(Agent agent) {
        return sql.call(handle -> insert(handle, agent));
    }

    private static Agent insert(Handle handle, Agent agent) {
        try {
            handle.createUpdate("INSERT INTO agents (" + COLUMNS + ") "
                            + "VALUES (:id, :name, :description, :createdAt, :createdBy)")
                    .bind("id", agent.id())
                    .bind("name", agent.name())
                    .bindByType("description", agent.description(), String.class)
                    .bind("createdAt", Sql.millis(agent.createdAt()))
                    .bind("createdBy", agent.createdBy())
                    .execute();
            return agent;
        } catch (JdbiException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new InvalidRequestException("an agent with id " + agent.id() + " already exists");
            }
            throw e;
        }
    }

    @Override
    public Optional<Agent> findById(UUID id) {
        return sql.call(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM agents WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Page<Agent> list(PageRequest page) {
        List<Agent> fetched = sql.call(handle -> {
            Query q = handle.createQuery("SELECT " + COLUMNS + " FROM agents"
                    + (page.after() == null ? "" : " WHERE CAST(id AS VARCHAR(36)) > :after")
                    + " ORDER BY CAST(id AS VARCHAR(36)) LIMIT :limit")
                    .bind("limit", page.limit() + 1);
            if (page.after() != null) {
                q.bind("after", page.after().toString());
            }
            return q.map((rs, ctx) -> map(rs)).list();
        });
        return Page.fromOverfetch(fetched, page.limit(), Agent::id);
    }

    @Override
    public boolean delete(UUID id) {
        // The database deletes the agent's policies with it (ON DELETE CASCADE): a policy change.
        return sql.inTransaction(handle -> {
            boolean deleted = handle.createUpdate("DELETE FROM agents WHERE id = :id").bind("id", id).execute() > 0;
            if (deleted) {
                handle.execute(JdbcTrustPolicies.BUMP_REVISION);
            }
            return deleted;
        });
    }
}
