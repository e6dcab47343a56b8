package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider's key set over real HTTP against the testkit issuer. */
class JwksCachingTest {
    static final String AUDIENCE = "https://idp.example.test";
    FakeOidcIssuer issuer;
    MutableClock clock;

    @BeforeEach
    void start() {
        issuer = FakeOidcIssuer.start(AUDIENCE);
        clock = MutableClock.now();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    GitHubProvider.Builder provider() {
        return GitHubProvider.builder().issuer(issuer.issuer()).audience(AUDIENCE).clock(clock)
                .jwksCooldown(Duration.ofSeconds(10));
    }

    /** Background refreshes: wait until the issuer has served {@code n} JWKS requests (then no more). */
    void awaitJwksRequests(int n) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (issuer.jwksRequestCount() < n && System.nanoTime() < end) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            Thread.sleep(300); // and until the refresh has settled: a new one starts only after it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(issuer.jwksRequestCount()).isEqualTo(n);
    }

    String token() {
        return issuer.token().lifetime(Duration.ofHours(2)).mint();
    }

    @Test
    void verifyWhenNoJwksUriGivenThenDiscoveredFromIssuerOnce() {
        GitHubProvider provider = provider().build();
        provider.verify(token());
        provider.verify(token());
        assertThat(issuer.discoveryRequestCount()).isEqualTo(1);
        assertThat(issuer.jwksRequestCount()).isEqualTo(1);
    }

    @Test
    void verifyWhenKeysFreshThenNoRefetch() {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        for (int i = 0; i < 5; i++) {
            provider.verify(token());
        }
        assertThat(issuer.discoveryRequestCount()).isZero();
        assertThat(issuer.jwksRequestCount()).isEqualTo(1);
    }

    @Test
    void verifyWhenMaxAgeElapsedThenRefetched() {
        issuer.jwksCacheControl("public, max-age=60");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        clock.advance(Duration.ofSeconds(59));
        provider.verify(token());
        assertThat(issuer.jwksRequestCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        provider.verify(token());
        awaitJwksRequests(2);
    }

    @Test
    void verifyWhenMaxAgeHugeThenCappedAtMaxCacheAge() {
        issuer.jwksCacheControl("max-age=999999");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).jwksMaxCacheAge(Duration.ofMinutes(10)).build();
        provider.verify(token());
        clock.advance(Duration.ofMinutes(11));
        provider.verify(token());
        awaitJwksRequests(2);
    }

    @Test
    void verifyWhenIssuerRotatesKeyThenUnknownKidRefetches() {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.rotateKey(true);
        clock.advance(Duration.ofSeconds(11));
        WorkloadIdentity identity = provider.verify(token());
        assertThat(identity.repository()).isEqualTo("octo-org/octo-repo");
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
    }

    @Test
    void verifyWhenUnknownKidFloodThenAtMostOneFetchPerCooldown() throws Exception {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<TokenFailure>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String forged = issuer.token().kid("invented-" + i).mint();
                attempts.add(() -> {
                    try {
                        provider.verify(forged);
                        return null;
                    } catch (InvalidTokenException e) {
                        return e.failure();
                    }
                });
            }
            for (Future<TokenFailure> f : pool.invokeAll(attempts)) {
                assertThat(f.get()).isEqualTo(TokenFailure.UNKNOWN_KEY);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(issuer.jwksRequestCount()).isEqualTo(1); // still inside the first cooldown
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> provider.verify(issuer.token().kid("invented-again").mint()))
                .isInstanceOf(InvalidTokenException.class);
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
    }

    @Test
    void verifyWhenRotatedWithinCooldownThenNewKeyWaitsForCooldown() {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.rotateKey(false);
        String fresh = token();
        assertThatThrownBy(() -> provider.verify(fresh)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.failure()).isEqualTo(TokenFailure.UNKNOWN_KEY));
        clock.advance(Duration.ofSeconds(11));
        assertThat(provider.verify(fresh).repository()).isEqualTo("octo-org/octo-repo");
    }

    @Test
    void verifyWhenJwksOutageThenCachedKeysKeepWorking() {
        issuer.jwksCacheControl("max-age=60");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.jwksStatus(503);
        clock.advance(Duration.ofMinutes(5));
        assertThat(provider.verify(token()).repository()).isEqualTo("octo-org/octo-repo");
        awaitJwksRequests(2);
        issuer.jwksStatus(200);
        clock.advance(Duration.ofSeconds(11));
        provider.verify(token());
        awaitJwksRequests(3);
    }

    @Test
    void verifyWhenJwksUnreachableAndNothingCachedThenUnavailable() {
        issuer.jwksStatus(500);
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        assertThatThrownBy(() -> provider.verify(token()))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("The signing keys of issuer " + issuer.issuer() + " cannot be fetched: GET "
                        + issuer.jwksUri() + " answered HTTP 500");
    }

    @Test
    void verifyWhenJwksEmptyThenNotCachedAndOldKeysKept() throws InterruptedException {
        issuer.jwksCacheControl("max-age=60");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.jwksEmpty(true);
        clock.advance(Duration.ofMinutes(2));
        assertThat(provider.verify(token()).repository()).isEqualTo("octo-org/octo-repo");
        awaitJwksRequests(2);
        Thread.sleep(200); // let the refresh finish: the empty set must not replace the keys
        assertThat(provider.verify(token()).repository()).isEqualTo("octo-org/octo-repo");
    }

    @Test
    void verifyWhenFirstJwksEmptyThenUnavailable() {
        issuer.jwksEmpty(true);
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        assertThatThrownBy(() -> provider.verify(token()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageEndingWith("has no usable RSA signing keys");
    }

    // ---- a stalled or slow key endpoint (contract v2, section 6)

    @Test
    void verifyWhenJwksStallsThenCachedKeysServeKnownKidsAtOnce() throws Exception {
        issuer.jwksCacheControl("max-age=60");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.jwksStall();
        clock.advance(Duration.ofMinutes(2)); // the keys are stale: every verify wants a refresh
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String token = token();
                calls.add(() -> {
                    long start = System.nanoTime();
                    provider.verify(token);
                    return Duration.ofNanos(System.nanoTime() - start).toMillis();
                });
            }
            for (Future<Long> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isLessThan(1000);
            }
        } finally {
            pool.shutdownNow();
        }
        // The background refresh may reach the issuer just after the forty answers: wait for it.
        for (int i = 0; i < 50 && issuer.jwksRequestCount() < 2; i++) {
            Thread.sleep(20);
        }
        assertThat(issuer.jwksRequestCount()).isEqualTo(2); // one refresh for all forty, not forty
    }

    /** A token signed by a key the provider has not seen, minted after the key endpoint began to stall. */
    String signedByNewKeyWhileJwksStalls(GitHubProvider provider) {
        provider.verify(token());
        issuer.jwksStall();
        issuer.rotateKey(true);
        clock.advance(Duration.ofSeconds(11)); // past the refetch cooldown
        return token();
    }

    @Test
    void verifyWhenJwksStallsAndKidUnknownThenUnavailableWithinFiveSeconds() {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        String rotated = signedByNewKeyWhileJwksStalls(provider);
        long start = System.nanoTime();
        assertThatThrownBy(() -> provider.verify(rotated))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("The signing keys of issuer " + issuer.issuer() + " cannot be fetched: "
                        + "no complete answer within 5 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(7));
    }

    @Test
    void verifyWhenStallEndsThenNextRefreshSucceeds() {
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        String rotated = signedByNewKeyWhileJwksStalls(provider);
        assertThatThrownBy(() -> provider.verify(rotated)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> provider.verify(rotated)).isInstanceOf(UnavailableException.class); // cooldown: at once
        issuer.jwksHealthy();
        clock.advance(Duration.ofSeconds(11));
        assertThat(provider.verify(rotated).repository()).isEqualTo("octo-org/octo-repo");
        assertThat(issuer.jwksRequestCount()).isEqualTo(3);
    }

    @Test
    void verifyWhenJwksSlowerThanDeadlineThenUnavailable() {
        issuer.jwksSlow(Duration.ofSeconds(8));
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).httpTimeout(Duration.ofSeconds(30)).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> provider.verify(token())).isInstanceOf(UnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void verifyWhenJwksDownThenUnavailable() {
        issuer.jwksDown();
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        assertThatThrownBy(() -> provider.verify(token()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageStartingWith("The signing keys of issuer " + issuer.issuer() + " cannot be fetched: ");
    }
}
