package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.LocalPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PostgreSQL down under a running server: 503 with a reason, never a wrong answer; back when it is. */
class StoreOutageHttpTest {
    static final String IDP = ServerFixture.IDP;
    static final String ADMIN = "outage-admin-secret-0123456789-abcdef";

    @Test
    void postgresDownThenHealthAndExchange503ThenRecover() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.start();
             FakeOidcIssuer github = FakeOidcIssuer.start(IDP);
             IdpServer server = IdpServer.start(ServerFixture.config(
                     new String[] {postgres.jdbcUrl(), postgres.user(), ""}, AdminToken.parse(ADMIN), github.issuer()))) {
            Http http = new Http("http://127.0.0.1:" + server.port());
            assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN)
                    .status()).isEqualTo(201);

            postgres.stop();

            Http.Response health = http.get("/health", null);
            ServerFixture.assertError(health, 503, "temporarily_unavailable", "The store is unavailable");
            Http.Response exchange = http.exchange(github.token().mint(), null);
            ServerFixture.assertError(exchange, 503, "temporarily_unavailable", "The store is unavailable");
            assertThat(exchange.header("Retry-After")).isEqualTo("5");

            postgres.restart();

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (http.get("/health", null).status() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(http.get("/health", null).status()).isEqualTo(200);
            Http.Response after = http.exchange(github.token().mint(), null);
            assertThat(after.status()).as(after.body()).isEqualTo(200);
        }
    }
}
