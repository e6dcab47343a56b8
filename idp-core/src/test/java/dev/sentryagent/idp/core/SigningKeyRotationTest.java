package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.MutableClock;
import java.time.Duration;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation: an automatic new key is published before it signs, an explicit one signs at once, and
 * an old key outlives every token it signed, then leaves the store.
 */
class SigningKeyRotationTest {
    static final String IDP = "https://idp.example.test";
    MutableClock clock = MutableClock.now();
    FakeOidcIssuer github;
    InMemoryStore store;
    TokenExchanger exchanger;

    @BeforeEach
    void setUp() {
        github = FakeOidcIssuer.start(IDP, clock);
        store = new InMemoryStore(clock);
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        exchanger = TokenExchanger.builder().issuer(IDP).store(store).clock(clock)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).clock(clock).build())
                .signingKeyRefresh(Duration.ofSeconds(30))
                .signingKeyRotation(Duration.ofDays(1))
                .build();
    }

    @AfterEach
    void tearDown() {
        github.close();
    }

    String kidOfNewToken() throws Exception {
        String token = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
        return ((JsonWebSignature) JsonWebSignature.fromCompactSerialization(token)).getKeyIdHeaderValue();
    }

    java.util.List<String> publishedKids() throws Exception {
        return new JsonWebKeySet(exchanger.accessTokenIssuer().jwksJson()).getJsonWebKeys().stream().map(JsonWebKey::getKeyId).toList();
    }

    @Test
    void rotateThenNewKeySignsAtOnceAndOldKeyLeavesJwksAndStoreAfterItsTokensExpired() throws Exception {
        String oldKid = kidOfNewToken();
        String newKid = exchanger.accessTokenIssuer().rotateSigningKey().kid();
        assertThat(publishedKids()).containsExactly(newKid, oldKid);
        assertThat(kidOfNewToken()).isEqualTo(newKid);
        assertThat(exchanger.accessTokenIssuer().signingKeys()).extracting(SigningKeyInfo::status).containsExactly("active", "published");

        clock.advance(Duration.ofSeconds(61));
        assertThat(kidOfNewToken()).isEqualTo(newKid);
        clock.advance(Duration.ofMinutes(64));
        assertThat(publishedKids()).containsExactly(newKid, oldKid);
        assertThat(store.signingKeys().loadAll()).hasSize(2);
        clock.advance(Duration.ofMinutes(2));
        assertThat(publishedKids()).containsExactly(newKid);
        assertThat(store.signingKeys().loadAll()).extracting(dev.sentryagent.idp.core.spi.SigningKey::kid)
                .containsExactly(newKid);
    }

    @Test
    void currentKeyOlderThanRotationPeriodThenReplacedAutomatically() throws Exception {
        String oldKid = kidOfNewToken();
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(kidOfNewToken()).isEqualTo(oldKid); // the new key is only published yet
        assertThat(publishedKids()).hasSize(2);
        clock.advance(Duration.ofMinutes(2));
        assertThat(kidOfNewToken()).isNotEqualTo(oldKid);
        assertThat(store.signingKeys().loadAll()).hasSize(2);
    }
}
