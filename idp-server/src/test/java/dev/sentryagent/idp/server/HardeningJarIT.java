package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a process under the hardening rules of contract v2 (issue 12). */
class HardeningJarIT {
    static final String ADMIN = "hardening-jar-admin-secret-0123456789-ab";
    static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    @Test
    void whenStartCreatesTheDefaultDataDirectoryThenItIsOwnerOnlyAndSoIsTheDatabase() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), dir)) {
            assertThat(server.http.get("/.well-known/jwks.json", null).status()).isEqualTo(200);
        }
        Path data = dir.resolve("data");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("idp.mv.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void whenIssuerNotLoopbackAndNoKeyEncryptionKeyThenExit2NamingTheVariable() throws Exception {
        Map.Entry<Integer, String> run = ServerProcess.run(Map.of("IDP_ISSUER", "https://idp.example.com",
                "IDP_DB_URL", "jdbc:h2:mem:kek"), dir);
        assertThat(run.getKey()).isEqualTo(2);
        assertThat(run.getValue()).contains("idp-server: IDP_KEY_ENCRYPTION_KEY is required when IDP_ISSUER is not "
                + "a loopback URL");
    }

    @Test
    void whenKeyEncryptionKeySetAndAPlainKeyIsStoredThenExit1NamingItsKid() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("idp");
        try (ServerProcess server = ServerProcess.start(Map.of("IDP_DB_URL", url), dir)) {
            assertThat(server.http.get("/.well-known/jwks.json", null).status()).isEqualTo(200);
        }
        String kid;
        try (Connection c = DriverManager.getConnection(url, "", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kid FROM signing_keys")) {
            assertThat(rs.next()).isTrue();
            kid = rs.getString(1);
        }
        Map.Entry<Integer, String> run = ServerProcess.run(Map.of("IDP_DB_URL", url, "IDP_KEY_ENCRYPTION_KEY", KEK),
                dir);
        assertThat(run.getKey()).isEqualTo(1);
        assertThat(run.getValue()).contains("idp-server: signing key " + kid + " is stored unwrapped although a "
                + "key-encryption key is configured");
    }

    @Test
    void whenClientsTrickleBodiesOrHeadersThenOthersAreServedAndSlowOnesCutOff() throws Exception {
        int port = ServerProcess.freePort();
        String issuer = "http://localhost:" + port;
        try (FakeOidcIssuer github = FakeOidcIssuer.start(issuer);
             ServerProcess server = ServerProcess.start(Map.of(
                     "IDP_PORT", Integer.toString(port),
                     "IDP_HOST", "127.0.0.1",
                     "IDP_DB_URL", "jdbc:h2:mem:slow",
                     "IDP_ADMIN_TOKEN", ADMIN,
                     "IDP_REQUEST_TIMEOUT", "PT4S",
                     "IDP_GITHUB_ISSUER", github.issuer()), dir)) {
            assertThat(server.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"),
                    ADMIN).status()).isEqualTo(201);
            for (int i = 0; i < 20; i++) { // warm up: first JWKS fetch, JIT
                server.http.exchange(github.token().mint(), null);
            }
            SlowClients.assertOthersServedAndSlowOnesCutOff(port, server.http, Duration.ofSeconds(4),
                    () -> github.token().mint());
            String bodyCut = "request refused status=408 method=POST path=/api/v1/oidc/token";
            assertThat(server.logOnceItContains(bodyCut, Duration.ofSeconds(5))).contains(bodyCut);
            try (Socket socket = SlowClients.open(port, Duration.ofSeconds(10))) {
                Map.Entry<Long, String> closed = SlowClients.trickleHeadersUntilClosed(socket,
                        "GET /health HTTP/1.1\r\nHost: localhost\r\n", Duration.ofSeconds(15));
                assertThat(closed.getKey()).as("ms until closed, -1: still open").isBetween(4000L, 7000L);
            }
            String headCut = "request refused status=408 method=- path=- error=invalid_request "
                    + "reason=\"the request was not received in full within PT4S: connection closed\"";
            assertThat(server.logOnceItContains(headCut, Duration.ofSeconds(5))).contains(headCut)
                    .doesNotContain("status=500");
        }
    }
}
