package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A provider whose JWKS endpoint stalls (headers, then one byte a second), against the real
 * server over HTTP (contract v2, section 6): a request that needs the keys waits at most 5 s,
 * then 503 with Retry-After; other requests are not held up meanwhile.
 */
class JwksStallHttpTest extends ServerFixture {
    static final String ADMIN = "jwks-stall-admin-secret-0123456789-abcd";

    JwksStallHttpTest() {
        super(ADMIN);
    }

    @Override
    FakeOidcIssuer startIssuer() {
        return FakeOidcIssuer.start(IDP).jwksStall();
    }

    @Test
    void whenJwksStallsThenExchangeIs503WithRetryAfterWithinFiveSecondsAndHealthUnaffected() throws Exception {
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/octo-repo"), ADMIN)
                .status()).isEqualTo(201);

        java.util.concurrent.CompletableFuture<long[]> health = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(1000); // while the exchange below waits for the stalled key set
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long start = System.nanoTime();
            int status = http.get("/health", null).status();
            return new long[] {status, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)};
        });
        long start = System.nanoTime();
        Http.Response r = http.exchange(github.token().mint(), null);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(health.get()[0]).isEqualTo(200);
        assertThat(health.get()[1]).as("/health while an exchange waits for the key set").isLessThan(1000);
        assertError(r, 503, "temporarily_unavailable", "The signing keys of issuer "
                + github.issuer() + " cannot be fetched: no complete answer within 5 s");
        assertThat(r.header("Retry-After")).isEqualTo("5");
        assertThat(tookMillis).isBetween(4000L, 7000L);
        assertThat(github.jwksRequestCount()).isEqualTo(1);
    }
}
