package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
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
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
    }

    @Test
    void verifyWhenMaxAgeHugeThenCappedAtMaxCacheAge() {
        issuer.jwksCacheControl("max-age=999999");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).jwksMaxCacheAge(Duration.ofMinutes(10)).build();
        provider.verify(token());
        clock.advance(Duration.ofMinutes(11));
        provider.verify(token());
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
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
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
        issuer.jwksStatus(200);
        clock.advance(Duration.ofSeconds(11));
        provider.verify(token());
        assertThat(issuer.jwksRequestCount()).isEqualTo(3);
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
    void verifyWhenJwksEmptyThenNotCachedAndOldKeysKept() {
        issuer.jwksCacheControl("max-age=60");
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        provider.verify(token());
        issuer.jwksEmpty(true);
        clock.advance(Duration.ofMinutes(2));
        assertThat(provider.verify(token()).repository()).isEqualTo("octo-org/octo-repo");
        assertThat(issuer.jwksRequestCount()).isEqualTo(2);
    }

    @Test
    void verifyWhenFirstJwksEmptyThenUnavailable() {
        issuer.jwksEmpty(true);
        GitHubProvider provider = provider().jwksUri(issuer.jwksUri()).build();
        assertThatThrownBy(() -> provider.verify(token()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageEndingWith("has no usable RSA signing keys");
    }
}
