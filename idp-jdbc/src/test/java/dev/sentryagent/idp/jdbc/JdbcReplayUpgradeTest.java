package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.InvalidTokenException;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TokenFailure;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.jdbc.internal.JdbcReplayGuard;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration 32 moved the replay records to {@code oidc_token_use}, keyed by the token's exp; a
 * token recorded in {@code oidc_replay} before it must stay spent after it, on both databases.
 */
class JdbcReplayUpgradeTest {
    static final String IDP = "https://idp.example.test";

    record Database(String url, String user) {
    }

    static Database h2() {
        return new Database(TestDatabases.h2Url(), "");
    }

    static Database postgres() {
        return new Database(TestDatabases.newPostgresDatabase(), TestDatabases.postgresUser());
    }

    /** Migrates {@code db} to version 31, as the last release left it. */
    static void migrateTo31(Database db) {
        Flyway.configure().dataSource(db.url(), db.user(), "").locations(JdbcStore.MIGRATIONS)
                .table(JdbcStore.HISTORY_TABLE).target("31").load().migrate();
    }

    /** A record as a server before migration 32 wrote it: (issuer, jti) and exp plus skew. */
    static void recordBeforeMigration(Database db, String issuer, String jti, Instant keepUntil) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "");
             PreparedStatement s = c.prepareStatement("INSERT INTO oidc_replay (issuer, jti, expires_at) VALUES (?, ?, ?)")) {
            s.setString(1, issuer);
            s.setString(2, jti);
            s.setLong(3, keepUntil.toEpochMilli());
            s.executeUpdate();
        }
    }

    static JdbcStore store(Database db) {
        return JdbcStore.create(db.url(), db.user(), "");
    }

    void tokenExchangedBeforeMigrationThenRefusedAfterIt(Database db) throws Exception {
        migrateTo31(db);
        try (FakeOidcIssuer github = FakeOidcIssuer.start(IDP)) {
            String spent = github.token().jti("spent-before-upgrade").mint();
            recordBeforeMigration(db, github.issuer(), "spent-before-upgrade", Instant.now().plusSeconds(600));
            try (JdbcStore store = store(db)) {
                store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
                TokenExchanger exchanger = JdbcStoreTest.exchanger(store, github);

                assertThat(exchanger.explain(ExchangeRequest.bootstrap("github", spent)).verification())
                        .isEqualTo(new dev.sentryagent.idp.core.Explanation.Verification(false,
                                "The OIDC token was already exchanged: each token may be exchanged once", true));
                assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", spent)))
                        .isInstanceOfSatisfying(InvalidTokenException.class,
                                e -> assertThat(e.failure()).isEqualTo(TokenFailure.REPLAY));
                // A token never seen before is exchanged once, then spent in the new table.
                String fresh = github.token().jti("fresh-after-upgrade").mint();
                assertThat(exchanger.explain(ExchangeRequest.bootstrap("github", fresh)).verification().alreadyExchanged())
                        .isFalse();
                exchanger.exchange(ExchangeRequest.bootstrap("github", fresh));
                assertThat(exchanger.explain(ExchangeRequest.bootstrap("github", fresh)).verification().alreadyExchanged())
                        .isTrue();
                assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", fresh)))
                        .isInstanceOfSatisfying(InvalidTokenException.class,
                                e -> assertThat(e.failure()).isEqualTo(TokenFailure.REPLAY));
            }
        }
    }

    @Test
    void tokenExchangedBeforeMigration32OnH2ThenRefusedAfterIt() throws Exception {
        tokenExchangedBeforeMigrationThenRefusedAfterIt(h2());
    }

    @Test
    void tokenExchangedBeforeMigration32OnPostgresThenRefusedAfterIt() throws Exception {
        tokenExchangedBeforeMigrationThenRefusedAfterIt(postgres());
    }

    void purgeDeletesExpiredRecordsOfBothTablesAndNoLiveOne(Database db) throws Exception {
        migrateTo31(db);
        Instant past = Instant.now().minusSeconds(60);
        Instant future = Instant.now().plusSeconds(600);
        for (int i = 0; i < 7; i++) {
            recordBeforeMigration(db, "iss", "old-expired-" + i, past);
        }
        recordBeforeMigration(db, "iss", "old-alive", future);
        try (JdbcStore store = store(db)) {
            ReplayGuard guard = store.replayGuard();
            for (int i = 0; i < 5; i++) {
                assertThat(guard.firstUse("iss", "new-expired-" + i, past.minusSeconds(30), past)).isTrue();
            }
            Instant exp = future.minusSeconds(60);
            assertThat(guard.firstUse("iss", "new-alive", exp, future)).isTrue();
            JdbcReplayGuard jdbcGuard = (JdbcReplayGuard) guard;
            assertThat(jdbcGuard.count()).isEqualTo(14);

            assertThat(store.purgeExpiredReplays(4)).isEqualTo(4);
            assertThat(store.purgeExpiredReplays(1000)).isEqualTo(8);
            assertThat(store.purgeExpiredReplays(1000)).isZero();
            assertThat(jdbcGuard.count()).isEqualTo(2);
            assertThat(guard.firstUse("iss", "old-alive", exp, future)).as("recorded before the upgrade").isFalse();
            assertThat(guard.wasUsed("iss", "old-alive", exp)).isTrue();
            assertThat(guard.firstUse("iss", "new-alive", exp, future)).isFalse();
            assertThat(guard.wasUsed("iss", "new-alive", exp)).isTrue();
            assertThat(rows(db, "oidc_replay")).containsExactly("old-alive");
            assertThat(rows(db, "oidc_token_use")).containsExactly("new-alive");
        }
    }

    @Test
    void purgeOnH2ThenExpiredRecordsOfBothTablesDeletedAndNoLiveOne() throws Exception {
        purgeDeletesExpiredRecordsOfBothTablesAndNoLiveOne(h2());
    }

    @Test
    void purgeOnPostgresThenExpiredRecordsOfBothTablesDeletedAndNoLiveOne() throws Exception {
        purgeDeletesExpiredRecordsOfBothTablesAndNoLiveOne(postgres());
    }

    static List<String> rows(Database db, String table) throws Exception {
        return JdbcStoreTest.column(db.url(), db.user(), "SELECT jti FROM " + table + " ORDER BY jti");
    }
}
