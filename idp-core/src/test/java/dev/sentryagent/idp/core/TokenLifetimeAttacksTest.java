package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the edges of a token's life: a revoked or spent token of ours must stay refused for
 * as long as anything accepts it, and an OIDC token's single use must be remembered for as long as
 * any server on the store, whatever its skew, still accepts the token.
 */
class TokenLifetimeAttacksTest {
    static final String IDP = "https://idp.example.test";
    final MutableClock clock = MutableClock.now();
    FakeOidcIssuer github;
    InMemoryStore store;

    @BeforeEach
    void setUp() {
        github = FakeOidcIssuer.start(IDP, clock);
        store = new InMemoryStore(clock);
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
    }

    @AfterEach
    void tearDown() {
        github.close();
    }

    TokenExchanger exchanger(Duration skew) {
        return TokenExchanger.builder().issuer(IDP).store(store).clock(clock)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).clock(clock).clockSkew(skew).build())
                .build();
    }

    TokenIntrospector introspector(TokenExchanger exchanger) {
        return new TokenIntrospector(exchanger.accessTokenIssuer(), store);
    }

    @Test
    void revokedTokenWhenItsRecordIsPurgedAfterExpiryThenStillRefusedEverywhere() {
        TokenExchanger exchanger = exchanger(Duration.ofSeconds(60));
        ExchangeResult bootstrap = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
        TokenIntrospector introspector = introspector(exchanger);
        assertThat(introspector.revoke(bootstrap.accessToken())).isPresent();

        clock.advance(Duration.between(clock.instant(), bootstrap.expiresAt()).plusSeconds(10));
        store.revocations().purgeExpired(clock.instant(), 1000);

        assertThat(introspector.introspect(bootstrap.accessToken())).isEmpty();
        AgentRegistrar registrar = new AgentRegistrar(exchanger.accessTokenIssuer(), store);
        assertThatThrownBy(() -> registrar.registerWithToken(bootstrap.accessToken(), "late", null))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("The access token has expired"));
        assertThat(store.agents().list(PageRequest.first(10)).items()).isEmpty();
    }

    @Test
    void revokedTokenWhenAnotherServersClockPurgesAtItsExpiryThenRecordStillKept() {
        TokenExchanger exchanger = exchanger(Duration.ofSeconds(60));
        ExchangeResult token = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
        introspector(exchanger).revoke(token.accessToken());

        // A server whose clock runs four minutes ahead purges when this one is still before exp.
        store.revocations().purgeExpired(token.expiresAt().plus(Duration.ofMinutes(4)), 1000);

        assertThat(store.revocations().isRevoked(token.jti())).isTrue();
    }

    @Test
    void accessTokenWhenItsExpHasComeThenInactiveWithNoLeeway() {
        TokenExchanger exchanger = exchanger(Duration.ofSeconds(60));
        ExchangeResult token = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
        TokenIntrospector introspector = introspector(exchanger);

        clock.advance(Duration.between(clock.instant(), token.expiresAt()).minusSeconds(1));
        assertThat(introspector.introspect(token.accessToken())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(introspector.introspect(token.accessToken())).isEmpty();
        assertThatThrownBy(() -> introspector.requireActive(token.accessToken()))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("The access token has expired"));
    }

    @Test
    void bootstrapTokenWhenItHasRegisteredItsAgentThenIntrospectionSaysInactive() {
        TokenExchanger exchanger = exchanger(Duration.ofSeconds(60));
        ExchangeResult bootstrap = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
        TokenIntrospector introspector = introspector(exchanger);
        AgentRegistrar registrar = new AgentRegistrar(exchanger.accessTokenIssuer(), store);
        assertThat(introspector.introspect(bootstrap.accessToken())).isPresent();

        registrar.registerWithToken(bootstrap.accessToken(), "deployer", null);

        assertThat(introspector.introspect(bootstrap.accessToken())).isEmpty();
        assertThatThrownBy(() -> introspector.requireActive(bootstrap.accessToken()))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("The bootstrap token was already used: each bootstrap token registers one agent"));
        assertThatThrownBy(() -> registrar.registerWithToken(bootstrap.accessToken(), "second", null))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("The bootstrap token was already used: each bootstrap token registers one agent"));
    }

    @Test
    void oidcTokenWhenExchangedOnAStrictServerThenRefusedOnALenientOneForAsLongAsItAcceptsIt() {
        TokenExchanger strict = exchanger(Duration.ZERO);
        TokenExchanger lenient = exchanger(Duration.ofMinutes(5));
        Instant exp = Instant.ofEpochSecond(clock.instant().getEpochSecond()).plus(Duration.ofMinutes(5));
        String oidc = github.token().lifetime(Duration.ofMinutes(5)).mint();
        strict.exchange(ExchangeRequest.bootstrap("github", oidc));

        // Past exp for the strict server, well inside the lenient one's five minutes.
        clock.advance(Duration.between(clock.instant(), exp).plusSeconds(30));
        assertThatThrownBy(() -> lenient.exchange(ExchangeRequest.bootstrap("github", oidc)))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("The OIDC token was already exchanged: each token may be exchanged once"));
        clock.advance(Duration.ofMinutes(4));
        assertThatThrownBy(() -> lenient.exchange(ExchangeRequest.bootstrap("github", oidc)))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("The OIDC token was already exchanged: each token may be exchanged once"));
    }
}
