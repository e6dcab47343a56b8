package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The databases the tests run against: a fresh in-memory H2 per store, and one PostgreSQL for the
 * whole run (the one named by {@code IDP_TEST_PG_URL}, else a throwaway {@link LocalPostgres}).
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static String h2Url() {
        return "jdbc:h2:mem:idp-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    public static JdbcStore h2Store() {
        return JdbcStore.create(h2Url(), "", "");
    }

    public static String postgresUrl() {
        String url = System.getenv("IDP_TEST_PG_URL");
        return url != null && !url.isBlank() ? url : LocalPostgres.shared().jdbcUrl();
    }

    public static String postgresUser() {
        String user = System.getenv("IDP_TEST_PG_USER");
        return user != null ? user : "postgres";
    }

    public static String postgresPassword() {
        String password = System.getenv("IDP_TEST_PG_PASSWORD");
        return password != null ? password : "";
    }

    /** A store on the shared PostgreSQL database, emptied first. */
    public static JdbcStore postgresStore() {
        JdbcStore store = JdbcStore.create(postgresUrl(), postgresUser(), postgresPassword());
        emptyPostgres();
        return store;
    }

    /**
     * The URL of a new, empty PostgreSQL database, for tests that migrate step by step; aborts
     * the test (an assumption) when the run uses a database named by {@code IDP_TEST_PG_URL}.
     */
    public static String newPostgresDatabase() {
        String url = System.getenv("IDP_TEST_PG_URL");
        org.junit.jupiter.api.Assumptions.assumeTrue(url == null || url.isBlank(),
                "a new database needs the throwaway LocalPostgres, not IDP_TEST_PG_URL");
        return LocalPostgres.shared().createDatabase("idp_" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** Deletes every row of the IdP's tables in the shared PostgreSQL database. */
    public static void emptyPostgres() {
        try (Connection c = DriverManager.getConnection(postgresUrl(), postgresUser(), postgresPassword());
             Statement s = c.createStatement()) {
            s.execute("TRUNCATE oidc_trust_policies, agents, oidc_replay, oidc_token_use, signing_keys, token_revocations, audit_events");
            // A change to the policies behind the store's back: servers' caches must see it.
            s.execute("UPDATE oidc_policy_revision SET revision = revision + 1 WHERE id = 1");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the test database", e);
        }
    }
}
