package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar end to end: environment configuration, exchange, restart with the same keys. */
class ServerJarIT {
    static final String ADMIN = "jar-admin-secret-0123456789-abcdefghij";
    /** Makes ACCP skip the native library in its jar, as on a platform its jar has none for. */
    static final String NO_ACCP_LIBRARY = "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true";

    @TempDir
    Path dir;

    @Test
    void exchangeThenRestartThenExchangeAgainSignedWithTheSameKey() throws Exception {
        int port = ServerProcess.freePort();
        String issuer = "http://localhost:" + port;
        try (FakeOidcIssuer github = FakeOidcIssuer.start(issuer)) {
            Map<String, String> env = Map.of(
                    "IDP_PORT", Integer.toString(port),
                    "IDP_DB_URL", "jdbc:h2:file:" + dir.resolve("idp"),
                    "IDP_ADMIN_TOKEN", AdminToken.hashOf(ADMIN),
                    "IDP_GITHUB_ISSUER", github.issuer());
            String firstKid;
            try (ServerProcess server = ServerProcess.start(env, dir)) {
                assertThat(server.log()).contains("SentryAgent IdP listening on port " + port)
                        .contains("store=jdbc:h2:file:").contains("issuer=" + issuer).contains("admin-routes=on")
                        .contains(ServerProcess.crypto().equals("accp") ? "crypto=AmazonCorrettoCryptoProvider 2.5.0"
                                : "crypto=SunEC ");
                assertThat(server.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"),
                        ADMIN).status()).isEqualTo(201);
                Http.Response r = server.http.exchange(github.token().mint(), null);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                firstKid = kid(r.json().get("access_token").asText());
                assertThat(ServerProcess.kids(server.http.get("/.well-known/jwks.json", null).body())).contains(firstKid);
                assertThat(server.log()).as("a token never reaches the log")
                        .doesNotContain(r.json().get("access_token").asText().substring(0, 30));
            }
            try (ServerProcess server = ServerProcess.start(env, dir)) {
                Http.Response r = server.http.exchange(github.token().mint(), null);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(kid(r.json().get("access_token").asText())).isEqualTo(firstKid);
                assertThat(ServerProcess.kids(server.http.get("/.well-known/jwks.json", null).body()))
                        .containsExactly(firstKid);
            }
        }
    }

    @Test
    void badVariableThenStopsAtStartWithOneLineNamingIt() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_TOKEN_TTL", "forever"), dir);
        assertThat(result.getKey()).isEqualTo(2);
        assertThat(result.getValue().strip())
                .isEqualTo("idp-server: IDP_TOKEN_TTL must be an ISO-8601 duration such as PT15M, got \"forever\"");
    }

    @Test
    void whenTheHostCannotBeBoundThenExit2WithOneLineNamingHostAndPort() throws Exception {
        int port = ServerProcess.freePort();
        // 192.0.2.1 (TEST-NET-1) resolves, so the configuration is accepted, but no interface has it.
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_HOST", "192.0.2.1",
                "IDP_PORT", Integer.toString(port), "IDP_DB_URL", "jdbc:h2:mem:bind"), dir);
        assertThat(result.getKey()).as(result.getValue()).isEqualTo(2);
        String[] lines = result.getValue().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("idp-server: IDP_HOST/IDP_PORT: cannot bind 192.0.2.1:" + port
                + ": ");
        assertThat(result.getValue()).doesNotContain("Exception", "\tat ", "ERROR");
    }

    @Test
    void whenThePortIsInUseThenExit2WithOneLineSayingSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_HOST", "127.0.0.1",
                    "IDP_PORT", Integer.toString(port), "IDP_DB_URL", "jdbc:h2:mem:bind"), dir);
            assertThat(result.getKey()).as(result.getValue()).isEqualTo(2);
            assertThat(result.getValue()).endsWith("idp-server: IDP_HOST/IDP_PORT: cannot bind 127.0.0.1:" + port
                    + ": Address already in use\n").doesNotContain("Exception", "\tat ", "ERROR");
        }
    }

    @Test
    void whenTheDatabaseDirectoryCannotBeCreatedThenExit1WithOneLineNamingIt() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_DB_URL", "jdbc:h2:file:/proc/no-such/idp"), dir);
        assertThat(result.getKey()).as(result.getValue()).isEqualTo(1);
        String[] lines = result.getValue().strip().split("\n");
        assertThat(lines[lines.length - 1])
                .startsWith("idp-server: IDP_DB_URL: cannot create the database directory /proc/no-such: ");
        assertThat(result.getValue()).doesNotContain("\tat ", "Exception in thread");
    }

    /**
     * SIGTERM while admins create agents: every agent the database holds has its stored audit event
     * and its audit line, and the store reported no failure (the requests in progress finish, the
     * audit trail drains, then the store and logging close, in that order). Three rounds, because
     * a lost event depends on where the stop falls.
     */
    @Test
    void whenStoppedUnderLoadThenEveryAgentHasItsAuditEventAndItsLine() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path db = dir.resolve("stop-" + round);
            Map<String, String> env = Map.of("IDP_DB_URL", "jdbc:h2:file:" + db, "IDP_ADMIN_TOKEN", AdminToken.hashOf(ADMIN));
            ServerProcess server = ServerProcess.start(env, dir);
            java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.List<Thread> admins = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread admin = new Thread(() -> {
                    while (!stopping.get()) {
                        try {
                            if (server.http.postJson("/api/v1/agents", map("name", "stop-test"), ADMIN).status() == 201) {
                                created.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            return; // the server has stopped listening
                        }
                    }
                });
                admin.start();
                admins.add(admin);
            }
            Thread.sleep(1500 + 300L * round);
            server.close(); // SIGTERM, waits for the process to exit
            stopping.set(true);
            for (Thread admin : admins) {
                admin.join(30_000);
            }
            String log = server.log();
            long agents;
            long events;
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + db);
                 java.sql.Statement s = c.createStatement()) {
                agents = count(s, "SELECT COUNT(*) FROM agents");
                events = count(s, "SELECT COUNT(*) FROM audit_events WHERE type = 'agent.create'");
            }
            long lines = log.lines().filter(l -> l.startsWith("{") && l.contains("\"type\":\"agent.create\"")).count();
            assertThat(agents).as("round %d: agents (%d answered 201)", round, created.get())
                    .isGreaterThanOrEqualTo(created.get()).isPositive();
            assertThat(events).as("round %d: stored agent.create events", round).isEqualTo(agents);
            assertThat(lines).as("round %d: agent.create audit lines", round).isEqualTo(agents);
            assertThat(log).doesNotContain("could not be stored", "already closed", "Database is already closed");
        }
    }

    static long count(java.sql.Statement s, String query) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void unreachableDatabaseThenStopsAtStartNamingTheStore() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/idp", "IDP_DB_PASSWORD", "hunter2-secret"), dir);
        assertThat(result.getKey()).isEqualTo(1);
        assertThat(result.getValue()).contains("idp-server: IDP_DB_URL: The store at jdbc:postgresql://127.0.0.1:1/idp "
                + "cannot be reached").doesNotContain("hunter2-secret");
    }

    @Test
    void whenCryptoProviderIsAccpThenStartLineNamesItAndExchangesWork() throws Exception {
        int port = ServerProcess.freePort();
        try (FakeOidcIssuer github = FakeOidcIssuer.start("http://localhost:" + port);
             ServerProcess server = ServerProcess.start(Map.of("IDP_CRYPTO_PROVIDER", "accp",
                     "IDP_PORT", Integer.toString(port),
                     "IDP_DB_URL", "jdbc:h2:file:" + dir.resolve("accp"), "IDP_ADMIN_TOKEN", AdminToken.hashOf(ADMIN),
                     "IDP_GITHUB_ISSUER", github.issuer()), dir)) {
            assertThat(server.log())
                    .contains("crypto provider: AmazonCorrettoCryptoProvider 2.5.0 (IDP_CRYPTO_PROVIDER=accp)")
                    .contains("SentryAgent IdP listening on port " + server.port)
                    .contains("crypto=AmazonCorrettoCryptoProvider 2.5.0");
            server.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN);
            Http.Response r = server.http.exchange(github.token().mint(), null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Http.Response agent = server.http.postJson("/api/v1/agents", map("name", "accp-bot"),
                    r.json().get("access_token").asText());
            assertThat(agent.status()).as(agent.body()).isEqualTo(201);
        }
    }

    @Test
    void whenAccpCannotLoadAndAutoThenJdkProvidersWithTheReasonLogged() throws Exception {
        // useExternalLib makes ACCP skip its bundled library, as on a platform it has none for.
        try (ServerProcess server = ServerProcess.start(Map.of("IDP_CRYPTO_PROVIDER", "auto",
                "IDP_DB_URL", "jdbc:h2:file:" + dir.resolve("auto"), "JAVA_TOOL_OPTIONS", NO_ACCP_LIBRARY), dir)) {
            assertThat(server.log()).contains("crypto provider: SunEC ")
                    .contains("(IDP_CRYPTO_PROVIDER=auto; Amazon Corretto Crypto Provider cannot be used here: its "
                            + "native library did not load (")
                    .contains("Skipping bundled library due to system property")
                    .contains("crypto=SunEC ");
        }
    }

    @Test
    void whenAccpRequiredAndCannotLoadThenStopsAtStartSayingWhy() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_CRYPTO_PROVIDER", "accp",
                "JAVA_TOOL_OPTIONS", NO_ACCP_LIBRARY), dir);
        assertThat(result.getKey()).isEqualTo(1);
        assertThat(result.getValue()).contains("idp-server: IDP_CRYPTO_PROVIDER=accp but Amazon Corretto Crypto "
                + "Provider cannot be used here: its native library did not load (");
    }

    @Test
    void whenCryptoProviderUnknownThenStopsAtStartNamingTheValues() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_CRYPTO_PROVIDER", "openssl"), dir);
        assertThat(result.getKey()).isEqualTo(2);
        assertThat(result.getValue().strip())
                .isEqualTo("idp-server: IDP_CRYPTO_PROVIDER must be one of auto, accp, jdk, got \"openssl\"");
    }

    static String kid(String jwt) throws Exception {
        return ((JsonWebSignature) JsonWebSignature.fromCompactSerialization(jwt)).getKeyIdHeaderValue();
    }
}
