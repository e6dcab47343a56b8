package dev.sentryagent.idp.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.jdbc.JdbcStore;
import dev.sentryagent.idp.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every purge walks indexes, on H2 and PostgreSQL: the select by the time column's index, the
 * delete by the primary key, never a scan of the table (docs/benchmarks.md, "Replay purge without
 * a table scan"). Read from each database's own plan of the statements the stores run.
 */
class OldestRowsPlanTest {
    static final List<OldestRows> PURGES = List.of(JdbcReplayGuard.EXPIRED, JdbcReplayGuard.EXPIRED_LEGACY, JdbcRevocations.EXPIRED,
            JdbcAuditLog.OLDEST);
    /** How PostgreSQL names a walk of an index in a plan. */
    static final String INDEX = "(Index Scan using|Index Only Scan using|Bitmap Index Scan on) ";

    /** The statement with literals for its parameters, as EXPLAIN takes it. */
    static String literal(String sql) {
        return sql.replace(":cutoff", "1000").replace(":max", "1000").replace(":token_exp", "0")
                .replaceAll(":\\w+", "'00000000-0000-0000-0000-000000000000'");
    }

    static String plan(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + literal(sql))) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            return plan.toString();
        }
    }

    @Test
    void onH2ThenTheSelectWalksTheTimeIndexAndTheDeleteThePrimaryKey() throws Exception {
        String url = TestDatabases.h2Url();
        try (JdbcStore store = JdbcStore.create(url, "", "");
             Connection c = DriverManager.getConnection(url, "", "")) {
            for (OldestRows purge : PURGES) {
                assertThat(plan(c, purge.selectSql())).as(purge.selectSql())
                        .doesNotContain("tableScan").containsPattern("(?i)_(EXPIRES_AT|KEEP_UNTIL|TIME):");
                assertThat(plan(c, purge.deleteSql())).as(purge.deleteSql())
                        .doesNotContain("tableScan").contains("PRIMARY_KEY");
            }
        }
    }

    @Test
    void onPostgresThenBothStepsCanUseAnIndex() throws Exception {
        try (JdbcStore store = TestDatabases.postgresStore();
             Connection c = DriverManager.getConnection(TestDatabases.postgresUrl(), TestDatabases.postgresUser(),
                     TestDatabases.postgresPassword());
             Statement s = c.createStatement()) {
            // An empty table is cheapest to scan: forbid the scan, then a plan without one proves an index serves.
            s.execute("SET enable_seqscan = off");
            for (OldestRows purge : PURGES) {
                assertThat(plan(c, purge.selectSql())).as(purge.selectSql())
                        .doesNotContain("Seq Scan").containsPattern(INDEX + "\\w+_(expires_at|keep_until|time)\\b");
                assertThat(plan(c, purge.deleteSql())).as(purge.deleteSql())
                        .doesNotContain("Seq Scan").containsPattern(INDEX + "\\w+_pk(ey)?\\b");
            }
        }
    }
}
