package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.GitHubTokenBuilder;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision table of the trust policies: every condition, against tokens the testkit issuer
 * mints and the GitHub provider verifies, through the real exchange. Each row is asked of the
 * explanation first and then of the exchange: they must give the same answer, and the
 * explanation must leave the token exchangeable.
 */
class TrustPolicyDecisionTest {
    static final String IDP = "https://idp.example.test";
    static final String REPO = "octo-org/app";
    static final String SHARED = "octo-org/shared/.github/workflows/release.yml";
    static final String ANY_BRANCH_HINT = " (tags and other refs need conditions.refs)";
    static FakeOidcIssuer github;

    @BeforeAll
    static void startIssuer() {
        github = FakeOidcIssuer.start(IDP);
    }

    @AfterAll
    static void stopIssuer() {
        github.close();
    }

    /** A policy of {@link #REPO} with the given conditions. */
    static TrustPolicy.Builder policy(UnaryOperator<TrustConditions.Builder> conditions) {
        return TrustPolicy.builder("github", REPO).conditions(conditions.apply(TrustConditions.builder()).build());
    }

    static TrustPolicy.Builder branch(String branch) {
        return TrustPolicy.builder("github", REPO).branch(branch);
    }

    static Arguments row(String name, List<TrustPolicy.Builder> policies, UnaryOperator<GitHubTokenBuilder> token,
                         String denial) {
        return Arguments.of(name, policies, token, denial);
    }

    static Stream<Arguments> decisions() {
        UnaryOperator<GitHubTokenBuilder> app = t -> t.repository(REPO);
        return Stream.of(
                // ref
                row("branch admits its branch", List.of(branch("main")), app, null),
                row("branch compares case-sensitively", List.of(branch("main")), t -> app.apply(t).branch("Main"),
                        "Branch not permitted: branch Main is not permitted; the trust policies for repository "
                                + REPO + " permit branches main"),
                row("no branch or refs admits any branch", List.of(TrustPolicy.builder("github", REPO)),
                        t -> app.apply(t).branch("feature/x"), null),
                row("no branch or refs refuses a tag", List.of(TrustPolicy.builder("github", REPO)),
                        t -> app.apply(t).tag("v1"),
                        "Branch not permitted: ref refs/tags/v1 is not a branch; the trust policies for repository "
                                + REPO + " permit any branch" + ANY_BRANCH_HINT),
                row("no branch or refs refuses a pull-request ref", List.of(TrustPolicy.builder("github", REPO)),
                        t -> app.apply(t).pullRequest(7),
                        "Branch not permitted: ref refs/pull/7/merge is not a branch; the trust policies for "
                                + "repository " + REPO + " permit any branch" + ANY_BRANCH_HINT),
                row("a tag named like the branch is not the branch", List.of(branch("main")),
                        t -> app.apply(t).forgeTagNamedLikeBranch("main"),
                        "Branch not permitted: ref refs/tags/main is not a branch; the trust policies for repository "
                                + REPO + " permit branches main"),
                row("refs tag pattern admits a matching tag", List.of(policy(c -> c.refs(List.of("refs/tags/v*")))),
                        t -> app.apply(t).tag("v1.2.3"), null),
                row("refs tag pattern refuses a branch named like a tag",
                        List.of(policy(c -> c.refs(List.of("refs/tags/v*")))), t -> app.apply(t).branch("tags/v1"),
                        "Branch not permitted: ref refs/heads/tags/v1 is not permitted; the trust policies for "
                                + "repository " + REPO + " permit refs/tags/v*"),
                row("* does not cross /", List.of(policy(c -> c.refs(List.of("refs/heads/release/*")))),
                        t -> app.apply(t).branch("release/1/hotfix"),
                        "Branch not permitted: ref refs/heads/release/1/hotfix is not permitted; the trust policies "
                                + "for repository " + REPO + " permit refs/heads/release/*"),
                row("* matches within a segment", List.of(policy(c -> c.refs(List.of("refs/heads/release/*")))),
                        t -> app.apply(t).branch("release/1"), null),
                row("** crosses /", List.of(policy(c -> c.refs(List.of("refs/heads/release/**")))),
                        t -> app.apply(t).branch("release/1/hotfix"), null),
                row("every candidate failing on the ref is Branch not permitted",
                        List.of(branch("main"), branch("release")), t -> app.apply(t).branch("dev"),
                        "Branch not permitted: branch dev is not permitted; the trust policies for repository "
                                + REPO + " permit branches main, release"),
                // event
                row("workflow_run refused by default", List.of(branch("main")),
                        t -> app.apply(t).eventName("workflow_run"),
                        "Trust policy violation: event \"workflow_run\" is not permitted; the policies for " + REPO
                                + " permit any event except workflow_run and issue_comment (list it in "
                                + "conditions.events to allow it)"),
                row("issue_comment refused by default", List.of(branch("main")),
                        t -> app.apply(t).eventName("issue_comment"),
                        "Trust policy violation: event \"issue_comment\" is not permitted; the policies for " + REPO
                                + " permit any event except workflow_run and issue_comment (list it in "
                                + "conditions.events to allow it)"),
                row("workflow_run admitted when listed", List.of(policy(c -> c.events(List.of("push", "workflow_run")))),
                        t -> app.apply(t).eventName("workflow_run"), null),
                row("event not listed", List.of(policy(c -> c.events(List.of("push")))),
                        t -> app.apply(t).eventName("workflow_dispatch"),
                        "Trust policy violation: event \"workflow_dispatch\" is not permitted; the policies for "
                                + REPO + " permit push"),
                row("pull_request_target always refused", List.of(TrustPolicy.builder("github", REPO)),
                        t -> app.apply(t).eventName("pull_request_target"),
                        "Trust policy violation: runs triggered by pull_request_target are refused (repository "
                                + REPO + "): they run with the base repository's identity on behalf of a fork's code"),
                // environment
                row("environment compares case-insensitively",
                        List.of(policy(c -> c.environments(List.of("production")))),
                        t -> app.apply(t).environment("Production"), null),
                row("environment differs", List.of(policy(c -> c.environments(List.of("production")))),
                        t -> app.apply(t).environment("staging"),
                        "Trust policy violation: environment \"staging\" is not permitted; the policies for "
                                + REPO + " permit production"),
                row("environment missing", List.of(policy(c -> c.environments(List.of("production")))), app,
                        "Trust policy violation: the run has no environment; the policies for " + REPO
                                + " permit environment production"),
                // workflow
                row("workflow matches", List.of(policy(c -> c.workflows(List.of(".github/workflows/deploy.yml")))),
                        t -> app.apply(t).workflow(".github/workflows/deploy.yml"), null),
                row("workflow differs", List.of(policy(c -> c.workflows(List.of(".github/workflows/deploy.yml")))),
                        t -> app.apply(t).workflow(".github/workflows/ci.yml"),
                        "Trust policy violation: workflow \".github/workflows/ci.yml\" is not permitted; the policies "
                                + "for " + REPO + " permit .github/workflows/deploy.yml"),
                row("workflow of another repository with the same path",
                        List.of(policy(c -> c.workflows(List.of(".github/workflows/deploy.yml")))),
                        t -> app.apply(t).forgeWorkflowOfOtherRepository("evil/fork", ".github/workflows/deploy.yml"),
                        "Trust policy violation: the run's workflow is not a file of repository " + REPO
                                + "; the policies for " + REPO + " permit workflow .github/workflows/deploy.yml"),
                row("workflow file whose name holds an @ is not the file named before it",
                        List.of(policy(c -> c.workflows(List.of(".github/workflows/deploy.yml")))),
                        t -> app.apply(t).workflow(".github/workflows/deploy.yml@evil.yml"),
                        "Trust policy violation: workflow \".github/workflows/deploy.yml@evil.yml\" is not permitted; "
                                + "the policies for " + REPO + " permit .github/workflows/deploy.yml"),
                row("repository compared ignoring case in ASCII only: a Kelvin sign is not a k",
                        List.of(TrustPolicy.builder("github", "octo-org/key")),
                        t -> t.repository("octo-org/\u212Aey"),
                        "Trust policy violation: repository \"octo-org/\u212Aey\" is not permitted; the policies for "
                                + "octo-org/\u212Aey permit octo-org/key"),
                // job workflow
                row("reusable workflow of a repository named with a Kelvin sign is not the one with a k",
                        List.of(policy(c -> c.jobWorkflows(List.of("octo-org/kit/.github/workflows/release.yml@refs/heads/main")))),
                        t -> app.apply(t).jobWorkflowRef("octo-org/\u212Ait/.github/workflows/release.yml@refs/heads/main"),
                        "Trust policy violation: job workflow \"octo-org/\u212Ait/.github/workflows/release.yml@refs/heads/main\" "
                                + "is not permitted; the policies for " + REPO
                                + " permit octo-org/kit/.github/workflows/release.yml@refs/heads/main"),
                row("reusable workflow whose file name holds an @ is refused, whatever the ref pattern",
                        List.of(policy(c -> c.jobWorkflows(List.of(SHARED + "@**")))),
                        t -> app.apply(t).jobWorkflowRef(SHARED + "@x.yml@refs/heads/main"),
                        "Trust policy violation: job workflow \"" + SHARED + "@x.yml@refs/heads/main\" is not permitted; "
                                + "the policies for " + REPO + " permit " + SHARED + "@**"),
                row("reusable workflow called from another repository",
                        List.of(policy(c -> c.jobWorkflows(List.of(SHARED + "@refs/heads/main")))),
                        t -> app.apply(t).reusableWorkflow("Octo-Org/Shared", ".github/workflows/release.yml",
                                "refs/heads/main"), null),
                row("reusable workflow ref pattern", List.of(policy(c -> c.jobWorkflows(List.of(SHARED + "@refs/tags/v*")))),
                        t -> app.apply(t).reusableWorkflow("octo-org/shared", ".github/workflows/release.yml",
                                "refs/tags/v2"), null),
                row("reusable workflow at another ref",
                        List.of(policy(c -> c.jobWorkflows(List.of(SHARED + "@refs/heads/main")))),
                        t -> app.apply(t).reusableWorkflow("octo-org/shared", ".github/workflows/release.yml",
                                "refs/heads/dev"),
                        "Trust policy violation: job workflow \"" + SHARED + "@refs/heads/dev\" is not permitted; the "
                                + "policies for " + REPO + " permit " + SHARED + "@refs/heads/main"),
                row("no reusable workflow where one is required",
                        List.of(policy(c -> c.jobWorkflows(List.of(SHARED + "@refs/heads/main")))), app,
                        "Trust policy violation: job workflow \"" + REPO + "/.github/workflows/ci.yml@refs/heads/main\" "
                                + "is not permitted; the policies for " + REPO + " permit " + SHARED + "@refs/heads/main"),
                // protected ref, runner
                row("protected ref admitted", List.of(policy(c -> c.refProtected(true))),
                        t -> app.apply(t).refProtected(true), null),
                row("unprotected ref refused", List.of(policy(c -> c.refProtected(true))),
                        t -> app.apply(t).refProtected(false),
                        "Trust policy violation: protected ref required: ref \"refs/heads/main\" is not protected; "
                                + "the policies for " + REPO + " permit only protected refs"),
                row("runner environment differs", List.of(policy(c -> c.runnerEnvironment("github-hosted"))),
                        t -> app.apply(t).selfHosted(),
                        "Trust policy violation: runner environment \"self-hosted\" is not permitted; the policies for "
                                + REPO + " permit github-hosted"),
                // several candidates, ids
                row("the candidate that got furthest is named",
                        List.of(branch("main").conditions(TrustConditions.builder()
                                        .environments(List.of("production")).build()),
                                policy(c -> c.events(List.of("workflow_dispatch")))),
                        t -> app.apply(t).environment("staging"),
                        "Trust policy violation: environment \"staging\" is not permitted; the policies for " + REPO
                                + " permit production"),
                row("pinned ids differ", List.of(branch("main").repositoryIds(100L, 200L)),
                        t -> app.apply(t).repositoryId(999),
                        "Trust policy violation: repository " + REPO + " has repository_id 999 and repository_owner_id "
                                + "200, but its trust policies are pinned to repositoryId 100 and repositoryOwnerId 200 "
                                + "(was the repository deleted and re-created?)"),
                row("a sibling policy created later inherits the pinned ids",
                        List.of(branch("main").repositoryIds(100L, 200L), branch("release")),
                        t -> app.apply(t).branch("release").repositoryId(999).repositoryOwnerId(888),
                        "Trust policy violation: repository " + REPO + " has repository_id 999 and repository_owner_id "
                                + "888, but its trust policies are pinned to repositoryId 100 and repositoryOwnerId 200 "
                                + "(was the repository deleted and re-created?)"),
                row("no policy for the repository", List.of(branch("main")), t -> t.repository("octo-org/other"),
                        "Trust policy violation: no bootstrap trust policy (one without agentId) for provider github "
                                + "and repository octo-org/other"),
                // the example: only deploy.yml, only main or tags v*, only production, only push
                row("release policy admits main", List.of(release()), t -> deploy(app.apply(t)), null),
                row("release policy admits tag v1.0", List.of(release()), t -> deploy(app.apply(t)).tag("v1.0"), null),
                row("release policy refuses a dispatch", List.of(release()),
                        t -> deploy(app.apply(t)).tag("v1.0").eventName("workflow_dispatch"),
                        "Trust policy violation: event \"workflow_dispatch\" is not permitted; the policies for " + REPO
                                + " permit push"),
                row("release policy refuses branch dev", List.of(release()), t -> deploy(app.apply(t)).branch("dev"),
                        "Branch not permitted: ref refs/heads/dev is not permitted; the trust policies for repository "
                                + REPO + " permit refs/heads/main, refs/tags/v*"),
                row("release policy refuses staging", List.of(release()),
                        t -> deploy(app.apply(t)).environment("staging"),
                        "Trust policy violation: environment \"staging\" is not permitted; the policies for " + REPO
                                + " permit production"),
                row("release policy refuses ci.yml", List.of(release()),
                        t -> deploy(app.apply(t)).workflow(".github/workflows/ci.yml"),
                        "Trust policy violation: workflow \".github/workflows/ci.yml\" is not permitted; the policies "
                                + "for " + REPO + " permit .github/workflows/deploy.yml"));
    }

    static TrustPolicy.Builder release() {
        return policy(c -> c.workflows(List.of(".github/workflows/deploy.yml"))
                .refs(List.of("refs/heads/main", "refs/tags/v*"))
                .environments(List.of("production"))
                .events(List.of("push")));
    }

    static GitHubTokenBuilder deploy(GitHubTokenBuilder token) {
        return token.workflow(".github/workflows/deploy.yml").environment("production");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void explainThenExchangeGiveTheSameAnswer(String name, List<TrustPolicy.Builder> policies,
                                             UnaryOperator<GitHubTokenBuilder> token, String denial) {
        InMemoryStore store = new InMemoryStore();
        TokenExchanger exchanger = TokenExchanger.builder()
                .issuer(IDP)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build())
                .store(store)
                .build();
        List<TrustPolicy> created = policies.stream().map(b -> exchanger.policyGate().create(b.build())).toList();
        String minted = token.apply(github.token()).mint();
        ExchangeRequest request = ExchangeRequest.bootstrap("github", minted);

        Explanation explanation = exchanger.explain(request, null);
        Explanation again = exchanger.explain(request, null);

        assertThat(again).isEqualTo(explanation);
        assertThat(explanation.verification()).isEqualTo(new Explanation.Verification(true, null, false));
        assertThat(explanation.policies()).extracting(PolicyTrace::policyId)
                .containsExactlyInAnyOrderElementsOf(created.stream()
                        .filter(p -> p.repository().equalsIgnoreCase(explanation.claims().get("repository")))
                        .map(TrustPolicy::id).toList());
        if (denial == null) {
            assertThat(explanation.allowed()).isTrue();
            assertThat(explanation.errorDescription()).isNull();
            ExchangeResult result = exchanger.exchange(request);
            assertThat(created.stream().map(TrustPolicy::id)).contains(result.policyId());
            assertThat(explanation.policies().stream().filter(PolicyTrace::admits).map(PolicyTrace::policyId))
                    .contains(result.policyId());
        } else {
            assertThat(explanation.allowed()).isFalse();
            assertThat(explanation.error()).isEqualTo("access_denied");
            assertThat(explanation.errorDescription()).isEqualTo(denial);
            assertThatThrownBy(() -> exchanger.exchange(request))
                    .isInstanceOfSatisfying(AccessDeniedException.class,
                            e -> assertThat(e.getMessage()).isEqualTo(denial));
        }
        // The exchange spent the token: the explanation says so now.
        Explanation after = exchanger.explain(request, null);
        assertThat(after.verification().alreadyExchanged()).isTrue();
        assertThat(after.errorDescription())
                .isEqualTo("The OIDC token was already exchanged: each token may be exchanged once");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void gateEvaluateAgreesWithAdmitForAgentScopedPolicies(String name, List<TrustPolicy.Builder> policies,
                                                         UnaryOperator<GitHubTokenBuilder> token, String denial) {
        InMemoryStore store = new InMemoryStore();
        UUID agent = store.agents().create(Agent.create("deployer", null, "admin")).id();
        PolicyGate gate = new PolicyGate(store.trustPolicies(), store.agents(), List.of("github"));
        policies.forEach(b -> gate.create(b.agentId(agent).build()));
        WorkloadIdentity identity = GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()
                .verify(token.apply(github.token()).mint());

        PolicyEvaluation evaluation = gate.evaluate(identity, agent, null);

        if (denial == null) {
            assertThat(gate.admit(identity, agent).id()).isEqualTo(evaluation.admitted().id());
        } else {
            String expected = denial.replaceFirst("the policies for (\\S+) ", "the policies for $1 and agent " + agent + " ")
                    .replace("the trust policies for repository " + REPO,
                            "the trust policies for repository " + REPO + " and agent " + agent)
                    .replace("no bootstrap trust policy (one without agentId) for provider github and repository "
                            + "octo-org/other", "no trust policy for provider github, repository octo-org/other and agent "
                            + agent);
            assertThat(evaluation.description()).isEqualTo(expected);
            assertThatThrownBy(() -> gate.admit(identity, agent)).hasMessage(expected);
        }
    }
}
