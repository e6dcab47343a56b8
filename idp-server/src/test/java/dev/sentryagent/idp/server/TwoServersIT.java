package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.LocalPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two server processes on one PostgreSQL: one replay guard, one key set, one set of policies. */
class TwoServersIT {
    static final String ADMIN = "two-servers-admin-secret-0123456789ab";
    static final String INTROSPECTION = "two-servers-introspection-secret-01234";
    static final String ISSUER = "https://idp.example.test";

    @TempDir
    Path dir;

    /** The environment of both servers: one PostgreSQL, one key-encryption key, one admin token, one issuer. */
    static Map<String, String> env(LocalPostgres postgres, FakeOidcIssuer github) {
        return Map.of(
                "IDP_ISSUER", ISSUER,
                "IDP_KEY_ENCRYPTION_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]),
                "IDP_DB_URL", postgres.jdbcUrl(),
                "IDP_DB_USER", postgres.user(),
                "IDP_ADMIN_TOKEN", ADMIN,
                "IDP_INTROSPECTION_TOKEN", INTROSPECTION,
                "IDP_GITHUB_ISSUER", github.issuer());
    }

    /** What a test does with two server processes, a and b, on one PostgreSQL and one fake GitHub. */
    private interface TwoServers {
        void run(ServerProcess a, ServerProcess b, FakeOidcIssuer github) throws Exception;
    }

    private void withTwoServers(TwoServers test) throws Exception {
        try (LocalPostgres postgres = LocalPostgres.start();
             FakeOidcIssuer github = FakeOidcIssuer.start(ISSUER)) {
            Map<String, String> env = env(postgres, github);
            try (ServerProcess a = ServerProcess.start(env, dir); ServerProcess b = ServerProcess.start(env, dir)) {
                test.run(a, b, github);
            }
        }
    }

    @Test
    void tokenExchangedOnOneServerIsAReplayOnTheOtherAndBothPublishTheSameKeys() throws Exception {
        withTwoServers((a, b, github) -> {
            assertThat(a.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN)
                    .status()).isEqualTo(201);
            String token = github.token().mint();

            assertThat(a.http.exchange(token, null).status()).isEqualTo(200);
            Http.Response replay = b.http.exchange(token, null);
            ServerFixture.assertError(replay, 401, "invalid_token", "The OIDC token was already exchanged");

            String fromB = b.http.exchange(github.token().mint(), null).json().get("access_token").asText();
            assertThat(a.http.postJson("/api/v1/agents", map("name", "made-on-a"), fromB).status())
                    .as("a token signed by b is accepted by a").isEqualTo(201);
            assertThat(ServerProcess.kids(a.http.get("/.well-known/jwks.json", null).body()))
                    .isEqualTo(ServerProcess.kids(b.http.get("/.well-known/jwks.json", null).body()))
                    .hasSize(1);
        });
    }

    static Http.Response form(Http http, String path, String token, String bearer) {
        return http.send("POST", path, "application/x-www-form-urlencoded",
                "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8), bearer);
    }

    @Test
    void tokenRevokedOnOneServerIsInactiveOnTheOtherAndARotationOnOneIsAcceptedByTheOther() throws Exception {
        withTwoServers((a, b, github) -> {
            assertThat(a.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN)
                    .status()).isEqualTo(201);
            String token = a.http.exchange(github.token().mint(), null).json().get("access_token").asText();
            assertThat(form(b.http, "/api/v1/oidc/introspect", token, INTROSPECTION).json().get("active").asBoolean())
                    .isTrue();

            Http.Response revoked = form(a.http, "/api/v1/oidc/revoke", token, null);
            assertThat(revoked.status()).isEqualTo(200);

            assertThat(form(b.http, "/api/v1/oidc/introspect", token, INTROSPECTION).body())
                    .isEqualTo("{\"active\":false}");
            ServerFixture.assertError(b.http.postJson("/api/v1/agents", map("name", "revoked"), token), 401,
                    "invalid_token", "The access token has been revoked");

            // A rotation on a signs at once; b has not reloaded its ring yet, but an unknown kid makes it reload.
            String kid = a.http.postJson("/api/v1/keys/rotate", "{}", ADMIN).json().get("kid").asText();
            String fresh = a.http.exchange(github.token().mint(), null).json().get("access_token").asText();
            assertThat(org.jose4j.jws.JsonWebSignature.fromCompactSerialization(fresh).getKeyIdHeaderValue())
                    .isEqualTo(kid);
            assertThat(b.http.postJson("/api/v1/agents", map("name", "new-key"), fresh).status())
                    .as("a token signed by a's new key is accepted by b at once").isEqualTo(201);
            assertThat(ServerProcess.kids(b.http.get("/.well-known/jwks.json", null).body())).contains(kid).hasSize(2);
        });
    }

    @Test
    void policyDeletedOnOneServerStopsAdmittingOnTheOtherAtOnceAndOneCreatedAdmitsAtOnce() throws Exception {
        withTwoServers((a, b, github) -> {
            String id = a.http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN)
                    .json().get("id").asText();
            // b admits under the policy twice: the second decision comes from what b has cached.
            assertThat(b.http.exchange(github.token().mint(), null).status()).isEqualTo(200);
            assertThat(b.http.exchange(github.token().mint(), null).status()).isEqualTo(200);

            assertThat(a.http.delete("/api/v1/oidc/trust-policies/" + id, ADMIN).status()).isEqualTo(204);
            ServerFixture.assertError(b.http.exchange(github.token().mint(), null), 403, "access_denied",
                    "Trust policy violation: no bootstrap trust policy");

            assertThat(a.http.postJson("/api/v1/oidc/trust-policies",
                    map("repository", "octo-org/octo-repo", "branch", "main"), ADMIN).status()).isEqualTo(201);
            assertThat(b.http.exchange(github.token().mint(), null).status())
                    .as("a policy created on a admits on b at once").isEqualTo(200);
        });
    }
}
