package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoreTest {
    static final String IDP = "https://idp.example.test";

    @TempDir
    Path dir;

    static List<String> column(String url, String user, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    @Test
    void migrationsShipTrustPoliciesAsMigration22InTheirOwnHistoryTable() throws Exception {
        String url = TestDatabases.h2Url();
        try (JdbcStore store = JdbcStore.create(url, "", "")) {
            assertThat(column(url, "", "SELECT \"version\" FROM \"" + JdbcStore.HISTORY_TABLE
                    + "\" WHERE \"success\" AND \"version\" > '0' ORDER BY \"installed_rank\"")).containsExactly("1", "2", "3", "22", "23", "30", "31", "32", "33", "34");
            assertThat(column(url, "", "SELECT \"script\" FROM \"" + JdbcStore.HISTORY_TABLE + "\" WHERE \"version\" = '22'"))
                    .containsExactly("V22__oidc_trust_policies.sql");
        }
    }

    @Test
    void migrationsRunByTheApplicationsOwnFlywayThenStoreSkipsThem() throws Exception {
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(TestDatabases.h2Url());
            Flyway.configure().dataSource(ds).locations(JdbcStore.MIGRATIONS).table(JdbcStore.HISTORY_TABLE).load().migrate();
            try (JdbcStore store = JdbcStore.builder().dataSource(ds).skipMigrations().build()) {
                store.trustPolicies().create(TrustPolicy.create("github", "org/repo", null, null));
                assertThat(store.trustPolicies().findCandidates("github", "org/repo", null)).hasSize(1);
            }
            assertThat(ds.isClosed()).as("the application's pool stays open").isFalse();
        }
    }

    @Test
    void applicationPoolWithAutoCommitOffThenRefusedAtBuildNotWritesLostLater() {
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(TestDatabases.h2Url());
            ds.setAutoCommit(false);
            assertThatThrownBy(() -> JdbcStore.builder().dataSource(ds).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dataSource must hand out connections with auto-commit on (HikariCP: autoCommit=true, "
                            + "its default): the store's writes would otherwise be rolled back unseen");
        }
    }

    @Test
    void migrationsOnPostgresThenSameSchemaVersions() throws Exception {
        try (JdbcStore store = TestDatabases.postgresStore()) {
            assertThat(column(TestDatabases.postgresUrl(), TestDatabases.postgresUser(),
                    "SELECT version FROM " + JdbcStore.HISTORY_TABLE + " WHERE success AND version > '0' ORDER BY installed_rank"))
                    .containsExactly("1", "2", "3", "22", "23", "30", "31", "32", "33", "34");
        }
    }

    @Test
    void restartOnSameH2FileThenSameSigningKeysAndPolicies() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("idp");
        try (FakeOidcIssuer github = FakeOidcIssuer.start(IDP)) {
            String jwksBefore;
            try (JdbcStore store = JdbcStore.create(url, "", "")) {
                store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
                TokenExchanger exchanger = exchanger(store, github);
                exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
                jwksBefore = exchanger.accessTokenIssuer().jwksJson();
            }
            try (JdbcStore store = JdbcStore.create(url, "", "")) {
                TokenExchanger exchanger = exchanger(store, github);
                assertThat(exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).scope())
                        .isEqualTo("agents:write");
                assertThat(kids(exchanger.accessTokenIssuer().jwksJson())).isEqualTo(kids(jwksBefore)).hasSize(1);
            }
        }
    }

    /** H2's page cache of the open database, in MiB, read through a second connection to it. */
    private static int h2CacheMiB(String url) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "", "");
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            assertThat(rs.next()).isTrue();
            return Integer.parseInt(rs.getString(1));
        }
    }

    @Test
    void h2FileStoreWithoutCacheSizeGetsAThirtySecondOfTheHeapWithinOneTo64MiB() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("sized");
        long expectedMiB = Math.max(1, Math.min(64, Runtime.getRuntime().maxMemory() / 32 / (1024 * 1024)));
        try (JdbcStore store = JdbcStore.create(url, "", "")) {
            assertThat(h2CacheMiB(url)).isEqualTo((int) expectedMiB);
        }
    }

    @Test
    void h2FileStoreWhoseUrlSetsCacheSizeKeepsIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("own") + ";cache_size=3072";
        try (JdbcStore store = JdbcStore.create(url, "", "")) {
            assertThat(h2CacheMiB("jdbc:h2:file:" + dir.resolve("own"))).isEqualTo(3);
        }
    }

    static TokenExchanger exchanger(JdbcStore store, FakeOidcIssuer github) {
        return TokenExchanger.builder().issuer(IDP).store(store)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build();
    }

    static List<String> kids(String jwks) throws Exception {
        return new JsonWebKeySet(jwks).getJsonWebKeys().stream().map(JsonWebKey::getKeyId).toList();
    }

    @Test
    void keyEncryptionKeyThenPrivateKeysWrappedAtRestAndReadBack() throws Exception {
        String url = TestDatabases.h2Url();
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        SigningKey key = new SigningKey("kid-1", "ES256", new byte[] {1, 2, 3}, new byte[] {4, 5}, Instant.ofEpochMilli(1000));
        try (JdbcStore store = JdbcStore.builder().url(url).keyEncryptionKey(kek).build()) {
            store.signingKeys().add(key);
            assertThat(column(url, "", "SELECT private_key FROM signing_keys")).singleElement()
                    .satisfies(v -> assertThat(v).startsWith("aesgcm2:").isNotEqualTo("aesgcm2:AQID"));
            assertThat(store.signingKeys().loadAll()).containsExactly(key);
        }
        assertThatThrownBy(() -> JdbcStore.builder().url(url).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing key kid-1 is encrypted at rest; configure the key-encryption key to use it");
        byte[] wrong = new byte[32];
        assertThatThrownBy(() -> JdbcStore.builder().url(url).keyEncryptionKey(wrong).build())
                .hasMessage("signing key kid-1 cannot be unwrapped with the configured key-encryption key, or its "
                        + "kid, algorithm or public key was changed");
    }

    @Test
    void withoutKeyEncryptionKeyThenPrivateKeysStoredPlainAndMarkedSo() throws Exception {
        String url = TestDatabases.h2Url();
        try (JdbcStore store = JdbcStore.create(url, "", "")) {
            store.signingKeys().add(new SigningKey("kid-1", "ES256", new byte[] {1, 2, 3}, new byte[] {4}, Instant.now()));
            assertThat(column(url, "", "SELECT private_key FROM signing_keys")).containsExactly("plain:AQID");
        }
    }

    @Test
    void purgeDeletesOnlyExpiredReplayRecordsAtMostTheGivenNumber() {
        try (JdbcStore store = TestDatabases.h2Store()) {
            Instant past = Instant.now().minusSeconds(60);
            for (int i = 0; i < 30; i++) {
                store.replayGuard().firstUse("iss", "old-" + i, past);
            }
            store.replayGuard().firstUse("iss", "alive", Instant.now().plusSeconds(600));
            assertThat(store.purgeExpiredReplays(20)).isEqualTo(20);
            assertThat(store.purgeExpiredReplays(20)).isEqualTo(10);
            assertThat(((dev.sentryagent.idp.jdbc.internal.JdbcReplayGuard) store.replayGuard()).count()).isEqualTo(1);
            assertThat(store.replayGuard().firstUse("iss", "alive", Instant.now().plusSeconds(600))).isFalse();
        }
    }

    @Test
    void purgeOnPostgresThenOnlyExpiredDeleted() {
        try (JdbcStore store = TestDatabases.postgresStore()) {
            for (int i = 0; i < 5; i++) {
                store.replayGuard().firstUse("iss", "old-" + i, Instant.now().minusSeconds(5));
            }
            store.replayGuard().firstUse("iss", "alive", Instant.now().plusSeconds(600));
            assertThat(store.purgeExpiredReplays(1000)).isEqualTo(5);
            assertThat(((dev.sentryagent.idp.jdbc.internal.JdbcReplayGuard) store.replayGuard()).count()).isEqualTo(1);
        }
    }

    @Test
    void buildWhenUrlNotH2OrPostgresThenRefused() {
        assertThatThrownBy(() -> JdbcStore.create("jdbc:mysql://x/y", "", ""))
                .hasMessage("url must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL, got \"jdbc:mysql://x/y\"");
    }

    @Test
    void buildWhenDatabaseUnreachableThenUnavailableWithoutCredentials() {
        assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:postgresql://127.0.0.1:1/idp").user("u")
                .password("s3cret-password").build())
                .isInstanceOf(UnavailableException.class)
                .hasMessageStartingWith("The store at jdbc:postgresql://127.0.0.1:1/idp cannot be reached")
                .hasMessageNotContaining("s3cret-password");
    }

    @Test
    void defaultUrlIsAnH2FileUnderData() {
        assertThat(JdbcStore.DEFAULT_URL).isEqualTo("jdbc:h2:file:./data/idp");
        assertThat(Files.exists(dir)).isTrue();
    }

    @Test
    void twoExchangersOnOnePostgresThenTokenIsReplayOnTheOtherAndKeysShared() throws Exception {
        try (FakeOidcIssuer github = FakeOidcIssuer.start(IDP);
             JdbcStore storeA = TestDatabases.postgresStore();
             JdbcStore storeB = JdbcStore.create(TestDatabases.postgresUrl(), TestDatabases.postgresUser(),
                     TestDatabases.postgresPassword())) {
            storeA.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
            TokenExchanger serverA = exchanger(storeA, github);
            TokenExchanger serverB = exchanger(storeB, github);
            String token = github.token().mint();
            serverA.exchange(ExchangeRequest.bootstrap("github", token));
            assertThatThrownBy(() -> serverB.exchange(ExchangeRequest.bootstrap("github", token)))
                    .isInstanceOfSatisfying(dev.sentryagent.idp.core.InvalidTokenException.class,
                            e -> assertThat(e.failure()).isEqualTo(dev.sentryagent.idp.core.TokenFailure.REPLAY));
            String fromB = serverB.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
            assertThat(serverA.accessTokenIssuer().verify(fromB).scope()).isEqualTo("agents:write");
            assertThat(kids(serverA.accessTokenIssuer().jwksJson())).isEqualTo(kids(serverB.accessTokenIssuer().jwksJson()));
        }
    }
}
