package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole exchange, in process, with the testkit issuer over real HTTP and the in-memory store. */
class TokenExchangerTest {
    static final String IDP = "https://idp.example.test";
    static FakeOidcIssuer github;
    InMemoryStore store;
    TokenExchanger exchanger;

    @BeforeAll
    static void startIssuer() {
        github = FakeOidcIssuer.start(IDP);
    }

    @AfterAll
    static void stopIssuer() {
        github.close();
    }

    @BeforeEach
    void setUp() {
        store = new InMemoryStore();
        exchanger = exchanger(SigningAlgorithm.ES256);
    }

    TokenExchanger exchanger(SigningAlgorithm algorithm) {
        return TokenExchanger.builder()
                .issuer(IDP)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build())
                .store(store)
                .signingAlgorithm(algorithm)
                .build();
    }

    static JwtClaims verifyWithPublishedKeys(String jwks, String token) throws Exception {
        return verifyWith(jwks, IDP, IDP, token);
    }

    /** Verifies {@code token} as a resource server would, with jose4j and the published JWKS alone. */
    static JwtClaims verifyWith(String jwks, String issuer, String audience, String token) throws Exception {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setExpectedType(true, "at+jwt")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build();
        return consumer.processToClaims(token);
    }

    @Test
    void exchangeWhenBootstrapPolicyAdmitsThenAgentsWriteTokenVerifiableFromJwks() throws Exception {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", "main", null));

        ExchangeResult result = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));

        assertThat(result.scope()).isEqualTo("agents:write");
        assertThat(result.agentId()).isNull();
        assertThat(result.expiresIn()).isEqualTo(900);
        JwtClaims claims = verifyWithPublishedKeys(exchanger.accessTokenIssuer().jwksJson(), result.accessToken());
        assertThat(claims.getSubject()).isEqualTo("repo:octo-org/octo-repo:ref:refs/heads/main");
        assertThat(claims.getStringClaimValue("scope")).isEqualTo("agents:write");
        assertThat(claims.getStringClaimValue("client_id")).isEqualTo("github:octo-org/octo-repo");
        assertThat(claims.getClaimValue("act", Map.class)).containsEntry("iss", github.issuer())
                .containsEntry("sub", "repo:octo-org/octo-repo:ref:refs/heads/main");
        assertThat(claims.getStringClaimValue("repository")).isEqualTo("octo-org/octo-repo");
        assertThat(claims.getStringClaimValue("ref")).isEqualTo("refs/heads/main");
        assertThat(claims.getJwtId()).isNotBlank();
        assertThat(claims.getExpirationTime().getValue()).isEqualTo(result.expiresAt().getEpochSecond());
        JwtContext context = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                .setSkipSignatureVerification().build().process(result.accessToken());
        assertThat(context.getJoseObjects().get(0).getAlgorithmHeaderValue()).isEqualTo("ES256");
        assertThat(context.getJoseObjects().get(0).getKeyIdHeaderValue()).isNotBlank();
    }

    @Test
    void exchangeWhenAgentPolicyAdmitsThenAgentScopedToken() throws Exception {
        Agent agent = store.agents().create(Agent.create("deployer", null, "admin"));
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, agent.id()));

        ExchangeResult result = exchanger.exchange(ExchangeRequest.forAgent("github", github.token().mint(), agent.id()));

        assertThat(result.scope()).isEqualTo("agent");
        assertThat(result.agentId()).isEqualTo(agent.id());
        JwtClaims claims = verifyWithPublishedKeys(exchanger.accessTokenIssuer().jwksJson(), result.accessToken());
        assertThat(claims.getSubject()).isEqualTo(agent.id().toString());
        assertThat(claims.getStringClaimValue("scope")).isEqualTo("agent");
        AccessTokenClaims own = exchanger.accessTokenIssuer().verify(result.accessToken());
        assertThat(own.agentId()).contains(agent.id());
        assertThat(own.hasScope(Scopes.AGENTS_WRITE)).isFalse();
    }

    @Test
    void exchangeWhenSameTokenTwiceThenReplay() {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        String token = github.token().mint();
        exchanger.exchange(ExchangeRequest.bootstrap("github", token));

        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", token)))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.failure()).isEqualTo(TokenFailure.REPLAY);
                    assertThat(e.getMessage()).isEqualTo(
                            "The OIDC token was already exchanged: each token may be exchanged once");
                });
    }

    @Test
    void exchangeWhenRacedFromManyThreadsThenExactlyOneSucceeds() throws Exception {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        String token = github.token().mint();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = java.util.Collections.nCopies(16, () -> {
                try {
                    exchanger.exchange(ExchangeRequest.bootstrap("github", token));
                    return true;
                } catch (InvalidTokenException e) {
                    return false;
                }
            });
            int wins = 0;
            for (Future<Boolean> f : pool.invokeAll(calls)) {
                wins += f.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exchangeWhenAgentUnknownThenSameViolationAsNoPolicy() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.forAgent("github", github.token().mint(), unknown)))
                .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DenialReason.TRUST_POLICY_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("Trust policy violation: no trust policy for provider github, "
                            + "repository octo-org/octo-repo and agent " + unknown);
                });
    }

    @Test
    void exchangeWhenAgentDeletedThenTrustPolicyViolation() {
        Agent agent = store.agents().create(Agent.create("gone", null, "admin"));
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, agent.id()));
        store.agents().delete(agent.id());
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.forAgent("github", github.token().mint(), agent.id())))
                .isInstanceOfSatisfying(AccessDeniedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DenialReason.TRUST_POLICY_VIOLATION));
    }

    @Test
    void exchangeWhenBranchDiffersThenBranchNotPermitted() {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", "main", null));
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().branch("dev").mint())))
                .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DenialReason.BRANCH_NOT_PERMITTED);
                    assertThat(e.getMessage()).isEqualTo("Branch not permitted: branch dev is not permitted; the trust "
                            + "policies for repository octo-org/octo-repo permit branches main");
                });
    }

    @Test
    void exchangeWhenFirstAdmittedThenIdsPinnedAndRecreatedRepositoryRefused() {
        TrustPolicy policy = store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().repositoryId(555).repositoryOwnerId(666).mint()));

        TrustPolicy pinned = store.trustPolicies().findById(policy.id()).orElseThrow();
        assertThat(pinned.repositoryId()).isEqualTo(555L);
        assertThat(pinned.repositoryOwnerId()).isEqualTo(666L);

        String impostor = github.token().repositoryId(777).repositoryOwnerId(888).mint();
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", impostor)))
                .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "Trust policy violation: repository octo-org/octo-repo has repository_id 777 and "
                                + "repository_owner_id 888, but its trust policies are pinned to "
                                + "repositoryId 555 and repositoryOwnerId 666 (was the repository deleted and re-created?)"));
        exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().repositoryId(555).repositoryOwnerId(666).mint()));
    }

    @Test
    void exchangeWhenPolicyDeniesThenJtiIsStillSpent() {
        String token = github.token().mint();
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", token)))
                .isInstanceOf(AccessDeniedException.class);
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", token)))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.failure()).isEqualTo(TokenFailure.REPLAY));
    }

    @Test
    void exchangeWhenProviderUnknownThenInvalidRequest() {
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("gitlab", github.token().mint())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("provider \"gitlab\" is not configured; configured providers: github");
    }

    @Test
    void exchangeWhenForgedThenInvalidTokenBeforeAnyPolicyLookup() {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().forgeAlgNone())))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.failure()).isEqualTo(TokenFailure.ALGORITHM));
    }

    @Test
    void exchangeWithEachAlgorithmThenVerifiableFromJwks() throws Exception {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            store = new InMemoryStore();
            store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
            TokenExchanger ex = exchanger(algorithm);
            ExchangeResult result = ex.exchange(ExchangeRequest.bootstrap("github", github.token().mint()));
            assertThat(verifyWithPublishedKeys(ex.accessTokenIssuer().jwksJson(), result.accessToken()).getStringClaimValue("scope"))
                    .as(algorithm.name()).isEqualTo("agents:write");
            assertThat(ex.accessTokenIssuer().verify(result.accessToken()).scope()).isEqualTo("agents:write");
        }
    }

    @Test
    void rotateSigningKeyThenOldTokensStillVerifyAndBothKeysPublished() throws Exception {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        String before = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
        exchanger.accessTokenIssuer().rotateSigningKey();
        assertThat(new JsonWebKeySet(exchanger.accessTokenIssuer().jwksJson()).getJsonWebKeys()).hasSize(2);
        verifyWithPublishedKeys(exchanger.accessTokenIssuer().jwksJson(), before);
        assertThat(exchanger.accessTokenIssuer().jwksJson()).doesNotContain("\"d\"");
    }

    @Test
    void secondExchangerOnSameStoreSignsWithKeysBothPublish() throws Exception {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        TokenExchanger other = exchanger(SigningAlgorithm.ES256);
        String token = other.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
        String first = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
        verifyWithPublishedKeys(exchanger.accessTokenIssuer().jwksJson(), token);
        verifyWithPublishedKeys(other.accessTokenIssuer().jwksJson(), first);
        assertThat(exchanger.accessTokenIssuer().jwksJson()).isEqualTo(other.accessTokenIssuer().jwksJson());
    }

    @Test
    void verifyAccessTokenWhenForeignOrTamperedThenRefused() {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        String token = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();
        String[] parts = token.split("\\.");
        assertThatThrownBy(() -> exchanger.accessTokenIssuer().verify(parts[0] + "." + parts[1] + "x." + parts[2]))
                .isInstanceOf(InvalidTokenException.class);
        // A GitHub token is not one of ours, even though it is validly signed by someone.
        assertThatThrownBy(() -> exchanger.accessTokenIssuer().verify(github.token().mint()))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("The access token was not issued by this IdP or is malformed"));
    }

    @Test
    void buildWhenTtlOverOneHourThenRefused() {
        assertThatThrownBy(() -> TokenExchanger.builder().issuer(IDP).store(store)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build())
                .tokenTtl(Duration.ofMinutes(61)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenTtl must be between PT1M and PT1H, got PT1H1M");
    }

    @Test
    void buildWhenPlainHttpIssuerOffLoopbackThenRefusedUnlessSaidSo() {
        TokenExchanger.Builder builder = TokenExchanger.builder().issuer("http://idp.example.com").store(store)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build());
        assertThatThrownBy(builder::build)
                .hasMessage("issuer must use https (plain http only on loopback), got \"http://idp.example.com\"");
        assertThat(builder.allowInsecureIssuer().build().accessTokenIssuer().issuer()).isEqualTo("http://idp.example.com");
    }

    @Test
    void buildWhenNoProviderOrStoreThenRefused() {
        assertThatThrownBy(() -> TokenExchanger.builder().issuer(IDP).store(store).build())
                .hasMessage("at least one provider is required");
        assertThatThrownBy(() -> TokenExchanger.builder().issuer(IDP)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build())
                .hasMessage("trustPolicies, agents, replayGuard and signingKeys are required (or one store())");
    }

    @Test
    void requestAndResultNeverPrintTheirTokens() {
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        String token = github.token().mint();
        ExchangeRequest request = ExchangeRequest.bootstrap("github", token);
        ExchangeResult result = exchanger.exchange(request);
        assertThat(request.toString()).doesNotContain(token);
        assertThat(result.toString()).doesNotContain(result.accessToken());
    }
}
