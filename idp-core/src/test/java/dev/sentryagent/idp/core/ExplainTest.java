package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Explanations of tokens the exchange refuses before the policies: they are still evaluated. */
class ExplainTest {
    static final String IDP = "https://idp.example.test";
    static FakeOidcIssuer github;
    InMemoryStore store;
    TokenExchanger exchanger;
    TrustPolicy production;

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
        exchanger = TokenExchanger.builder()
                .issuer(IDP)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build())
                .store(store)
                .build();
        production = exchanger.policyGate().create(TrustPolicy.builder("github", "octo-org/octo-repo")
                .conditions(TrustConditions.builder().environments(List.of("production")).build())
                .audiences(List.of("https://deploy.example.com"))
                .build());
    }

    @Test
    void explainWhenExpiredButValidlySignedThenPoliciesStillEvaluated() {
        String token = github.token().expired().environment("staging").mint();

        Explanation explanation = exchanger.explain(ExchangeRequest.bootstrap("github", token), null);

        assertThat(explanation.allowed()).isFalse();
        assertThat(explanation.error()).isEqualTo("invalid_token");
        assertThat(explanation.errorDescription()).startsWith("The OIDC token expired at ");
        assertThat(explanation.verification().ok()).isFalse();
        assertThat(explanation.verification().errorDescription()).isEqualTo(explanation.errorDescription());
        assertThat(explanation.verification().alreadyExchanged()).isFalse();
        assertThat(explanation.claims()).containsEntry("environment", "staging");
        assertThat(explanation.policies()).singleElement().satisfies(trace -> {
            assertThat(trace.policyId()).isEqualTo(production.id());
            assertThat(trace.admits()).isFalse();
            assertThat(trace.check("environment")).contains(
                    new PolicyCheck("environment", false, "production", "staging"));
        });
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", token)))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessage(explanation.errorDescription());
    }

    @Test
    void explainWhenNotYetValidThenEvaluatedWithReason() {
        Explanation explanation = exchanger.explain(ExchangeRequest.bootstrap("github",
                github.token().notYetValid().environment("production").mint()), null);
        assertThat(explanation.verification().errorDescription()).startsWith("The OIDC token is not valid before ");
        assertThat(explanation.policies()).singleElement().satisfies(trace -> assertThat(trace.admits()).isTrue());
        assertThat(explanation.allowed()).isFalse();
    }

    @Test
    void explainWhenSignatureForgedThenNoPoliciesAndExchangeAnswerAsReason() {
        String forged = github.token().environment("production").forgeUnknownKeyWithKnownKid();

        Explanation explanation = exchanger.explain(ExchangeRequest.bootstrap("github", forged), null);

        assertThat(explanation.policies()).isEmpty();
        assertThat(explanation.claims()).isEmpty();
        assertThat(explanation.error()).isEqualTo("invalid_token");
        assertThatThrownBy(() -> exchanger.exchange(ExchangeRequest.bootstrap("github", forged)))
                .hasMessage(explanation.errorDescription());
    }

    @Test
    void explainWhenAllowedThenTraceHasEveryConditionAndTokenStaysExchangeable() {
        String token = github.token().environment("Production").mint();
        ExchangeRequest request = ExchangeRequest.bootstrap("github", token);

        Explanation explanation = exchanger.explain(request, null);

        assertThat(explanation.allowed()).isTrue();
        assertThat(explanation.verification()).isEqualTo(new Explanation.Verification(true, null, false));
        assertThat(explanation.policies()).singleElement().satisfies(trace -> assertThat(trace.checks())
                .extracting(PolicyCheck::condition)
                .containsExactly("provider", "repository", "agent", "repositoryId", "repositoryOwnerId", "ref", "event",
                        "environment"));
        assertThat(store.trustPolicies().findById(production.id()).orElseThrow().pinnedIds())
                .as("an explanation pins nothing").isEmpty();
        assertThat(exchanger.exchange(request).policyId()).isEqualTo(production.id());
        assertThat(store.trustPolicies().findById(production.id()).orElseThrow().pinnedIds())
                .contains(new RepositoryIds(100, 200));
    }

    @Test
    void explainWhenAudienceRequestedThenCheckedAgainstPolicyAudiences() {
        String token = github.token().environment("production").mint();
        Explanation listed = exchanger.explain(ExchangeRequest.bootstrap("github", token), "https://deploy.example.com");
        assertThat(listed.allowed()).isTrue();

        Explanation other = exchanger.explain(ExchangeRequest.bootstrap("github", token), "https://other.example.com");
        assertThat(other.allowed()).isFalse();
        assertThat(other.error()).isEqualTo("invalid_target");
        assertThat(other.errorDescription()).isEqualTo("audience \"https://other.example.com\" is not permitted: it "
                + "must be this IdP's issuer or one of the audiences of an admitting policy (https://deploy.example.com)");
    }
}
