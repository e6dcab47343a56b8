package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.nio.file.Path;
import java.util.Map;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar end to end: environment configuration, exchange, restart with the same keys. */
class ServerJarIT {
    static final String ADMIN = "jar-admin-secret-0123456789-abcdefghij";

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
                        .contains("store=jdbc:h2:file:").contains("issuer=" + issuer).contains("admin-routes=on");
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
    void unreachableDatabaseThenStopsAtStartNamingTheStore() throws Exception {
        Map.Entry<Integer, String> result = ServerProcess.run(Map.of("IDP_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/idp", "IDP_DB_PASSWORD", "hunter2-secret"), dir);
        assertThat(result.getKey()).isEqualTo(1);
        assertThat(result.getValue()).contains("idp-server: IDP_DB_URL: The store at jdbc:postgresql://127.0.0.1:1/idp "
                + "cannot be reached").doesNotContain("hunter2-secret");
    }

    static String kid(String jwt) throws Exception {
        return ((JsonWebSignature) JsonWebSignature.fromCompactSerialization(jwt)).getKeyIdHeaderValue();
    }
}
