package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.spi.AuditLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.statement.Query;

/**
 * Audit events in table {@code audit_events}. {@link #append(List)} writes a whole batch as one
 * JDBC batch in one transaction: one round trip.
 */
public final class JdbcAuditLog implements AuditLog {
    private static final String COLUMNS = "id, event_time, type, outcome, provider, repository, repository_key, ref, "
            + "run_id, agent_id, policy_id, error, error_description, subject_token_sha256, token_jti, kid, client_ip, "
            + "user_agent";
    /** One row; the UUID columns take text, cast by the database (a typed null is not portable). */
    private static final String INSERT = "INSERT INTO audit_events (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS UUID), CAST(? AS UUID), ?, ?, ?, ?, ?, ?, ?)";
    static final OldestRows OLDEST = new OldestRows("audit_events", "event_time", "id");

    private final Sql sql;

    public JdbcAuditLog(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        // Plain JDBC, one constant statement, one batch, one transaction: Jdbi would parse a statement
        // text per batch (ANTLR; a quarter of the writer's CPU under load with the multi-row INSERT
        // this replaced) and bind every argument through its mappers. PostgreSQL's driver sends the
        // whole batch in one round trip; H2 runs the one prepared insert per row.
        sql.inTransaction(handle -> {
            try (PreparedStatement insert = handle.getConnection().prepareStatement(INSERT)) {
                for (AuditEvent e : events) {
                    int p = 1;
                    insert.setString(p++, e.id().toString());
                    insert.setLong(p++, Sql.millis(e.time()));
                    insert.setString(p++, e.type());
                    insert.setString(p++, e.outcome());
                    insert.setString(p++, e.provider());
                    insert.setString(p++, e.repository());
                    insert.setString(p++, e.repository() == null ? null : e.repository().toLowerCase(Locale.ROOT));
                    insert.setString(p++, e.ref());
                    insert.setString(p++, e.runId());
                    insert.setString(p++, e.agentId() == null ? null : e.agentId().toString());
                    insert.setString(p++, e.policyId() == null ? null : e.policyId().toString());
                    insert.setString(p++, e.error());
                    insert.setString(p++, e.errorDescription());
                    insert.setString(p++, e.subjectTokenSha256());
                    insert.setString(p++, e.tokenJti());
                    insert.setString(p++, e.kid());
                    insert.setString(p++, e.clientIp());
                    insert.setString(p, e.userAgent());
                    insert.addBatch();
                }
                insert.executeBatch();
                return null;
            } catch (SQLException e) {
                throw Sql.translate(e); // unavailable or failed, as for every other statement
            }
        });
    }

    @Override
    public Page<AuditEvent> list(AuditQuery query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (query.type() != null) {
            where.append(" AND type = :type");
        }
        if (query.repository() != null) {
            where.append(" AND repository_key = :repository");
        }
        if (query.agentId() != null) {
            where.append(" AND agent_id = :agentId");
        }
        if (query.since() != null) {
            where.append(" AND event_time >= :since");
        }
        if (query.after() != null) {
            where.append(" AND (event_time < :afterTime OR (event_time = :afterTime AND id < :afterId))");
        }
        List<AuditEvent> fetched = sql.call(handle -> {
            Query q = handle.createQuery("SELECT " + COLUMNS + " FROM audit_events" + where
                    + " ORDER BY event_time DESC, id DESC LIMIT :limit");
            if (query.type() != null) {
                q.bind("type", query.type());
            }
            if (query.repository() != null) {
                q.bind("repository", query.repository().toLowerCase(Locale.ROOT));
            }
            if (query.agentId() != null) {
                q.bind("agentId", query.agentId());
            }
            if (query.since() != null) {
                q.bind("since", Sql.millis(query.since()));
            }
            if (query.after() != null) {
                q.bind("afterTime", Sql.millis(query.after().time()));
                q.bind("afterId", query.after().id().toString());
            }
            return q.bind("limit", query.limit() + 1).map((rs, ctx) -> event(rs)).list();
        });
        if (fetched.size() <= query.limit()) {
            return new Page<>(fetched, null);
        }
        List<AuditEvent> items = fetched.subList(0, query.limit());
        return new Page<>(items, AuditQuery.cursorAfter(items.get(items.size() - 1)));
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(UUID.fromString(rs.getString("id")), Sql.instant(rs.getLong("event_time")),
                rs.getString("type"), rs.getString("outcome"), rs.getString("provider"), rs.getString("repository"),
                rs.getString("ref"), rs.getString("run_id"), rs.getObject("agent_id", UUID.class),
                rs.getObject("policy_id", UUID.class), rs.getString("error"), rs.getString("error_description"),
                rs.getString("subject_token_sha256"), rs.getString("token_jti"), rs.getString("kid"),
                rs.getString("client_ip"), rs.getString("user_agent"));
    }

    /** Walks the time index, then the primary key: costs the rows it removes, never a scan. */
    @Override
    public int purgeBefore(Instant cutoff, int max) {
        long before = Sql.millis(cutoff);
        return sql.inTransaction(handle -> OLDEST.purge(handle, before, max));
    }
}
