package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The issuer on its own: the claim layout it signs, and the exchanger that is given one. */
class AccessTokenIssuerTest {
    static final String IDP = "https://idp.example.test";
    static FakeOidcIssuer github;
    static GitHubProvider provider;

    @BeforeAll
    static void start() {
        github = FakeOidcIssuer.start(IDP);
        provider = GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build();
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @Test
    void issueWhenAgentThenAgentTokenWithTheExchangedIdentityAsActor() throws Exception {
        AccessTokenIssuer issuer = AccessTokenIssuer.builder().issuer(IDP).audience("https://api.example.test")
                .signingKeys(new InMemoryStore().signingKeys()).build();
        WorkloadIdentity identity = provider.verify(github.token().repository("octo-org/octo-repo").mint());
        UUID agent = UUID.randomUUID();
        UUID policy = UUID.randomUUID();

        ExchangeResult result = issuer.issue(new AccessTokenContext(identity, agent, policy));

        JwtClaims claims = TokenExchangerTest.verifyWith(issuer.jwksJson(), IDP, "https://api.example.test",
                result.accessToken());
        assertThat(claims.getSubject()).isEqualTo(agent.toString());
        assertThat(claims.getStringClaimValue("scope")).isEqualTo(Scopes.AGENT);
        assertThat(claims.getStringClaimValue("client_id")).isEqualTo("github:octo-org/octo-repo");
        assertThat(claims.getClaimValue("act")).isEqualTo(Map.of("iss", github.issuer(), "sub", identity.subject()));
        assertThat(claims.getStringClaimValue("policy_id")).isEqualTo(policy.toString());
        assertThat(result.agentId()).isEqualTo(agent);
        assertThat(result.policyId()).isEqualTo(policy);
        assertThat(issuer.verify(result.accessToken()).agentId()).contains(agent);
    }

    @Test
    void exchangerWhenGivenAnIssuerThenSignsWithIt() {
        InMemoryStore store = new InMemoryStore();
        AccessTokenIssuer issuer = AccessTokenIssuer.builder().issuer(IDP).signingKeys(store.signingKeys()).build();
        TokenExchanger exchanger = TokenExchanger.builder().provider(provider).store(store)
                .accessTokenIssuer(issuer).build();
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));

        String token = exchanger.exchange(ExchangeRequest.bootstrap("github", github.token().mint())).accessToken();

        assertThat(exchanger.accessTokenIssuer()).isSameAs(issuer);
        assertThat(issuer.verify(token).scope()).isEqualTo(Scopes.AGENTS_WRITE);
    }

    @Test
    void exchangerWhenGivenAnIssuerAndIssuerSettingsThenRefused() {
        InMemoryStore store = new InMemoryStore();
        AccessTokenIssuer issuer = AccessTokenIssuer.builder().issuer(IDP).signingKeys(store.signingKeys()).build();
        assertThatThrownBy(() -> TokenExchanger.builder().provider(provider).store(store).accessTokenIssuer(issuer)
                .tokenTtl(java.time.Duration.ofMinutes(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokenTtl is a setting of the access-token issuer: give it to AccessTokenIssuer.builder(), "
                        + "or give no accessTokenIssuer");
    }

    @Test
    void buildWhenNoSigningKeysThenRefused() {
        assertThatThrownBy(() -> AccessTokenIssuer.builder().issuer(IDP).build())
                .hasMessage("signingKeys is required (or the exchanger's store())");
    }
}
