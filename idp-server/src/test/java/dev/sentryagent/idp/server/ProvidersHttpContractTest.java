package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static dev.sentryagent.idp.server.ServerFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.AbstractTokenBuilder;
import dev.sentryagent.idp.testkit.GitHubTokenBuilder;
import dev.sentryagent.idp.testkit.GitLabTokenBuilder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exchange's contract for every provider of a server with {@code IDP_PROVIDERS=github,ghes,gitlab}
 * (contract sections 1, 2 and 6), over real HTTP with three real fake issuers: each rule holds for
 * github.com, a second GitHub issuer and GitLab alike; then GitLab's own rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidersHttpContractTest {
    static final String ADMIN = ThreeProviders.ADMIN;

    ThreeProviders fixture;
    Http http;

    @BeforeAll
    void start() {
        fixture = new ThreeProviders();
        http = fixture.http;
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    /**
     * One provider's tokens, whatever its claim names: what the shared rules need. The testkit's
     * common builder does the rest; only the ref and the pinned ids are named per platform.
     */
    interface CiToken {
        AbstractTokenBuilder<?> b();

        CiToken branch(String branch);

        CiToken tag(String tag);

        CiToken ids(long repositoryId, long ownerId);

        default CiToken expired() {
            b().expired();
            return this;
        }

        default CiToken audience(String audience) {
            b().audience(audience);
            return this;
        }

        default String mint() {
            return b().mint();
        }

        default String forgeAlgNone() {
            return b().forgeAlgNone();
        }
    }

    record GitHub(GitHubTokenBuilder b) implements CiToken {
        public CiToken branch(String branch) {
            return new GitHub(b.branch(branch));
        }

        public CiToken tag(String tag) {
            return new GitHub(b.tag(tag));
        }

        public CiToken ids(long repositoryId, long ownerId) {
            return new GitHub(b.repositoryId(repositoryId).repositoryOwnerId(ownerId));
        }
    }

    record GitLab(GitLabTokenBuilder b) implements CiToken {
        public CiToken branch(String branch) {
            return new GitLab(b.branch(branch));
        }

        public CiToken tag(String tag) {
            return new GitLab(b.tag(tag));
        }

        public CiToken ids(long repositoryId, long ownerId) {
            return new GitLab(b.projectId(repositoryId).namespaceId(ownerId));
        }
    }

    Stream<String> providers() {
        return Stream.of("github", "ghes", "gitlab");
    }

    /** A fresh repository of {@code provider}: GitHub owner/name, GitLab a project in nested groups. */
    static String repo(String provider) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return provider.equals("gitlab") ? "acme/platform/project-" + suffix : "octo-org/repo-" + suffix;
    }

    CiToken token(String provider, String repository) {
        return switch (provider) {
            case "github" -> new GitHub(fixture.github.token().repository(repository));
            case "ghes" -> new GitHub(fixture.ghes.token().repository(repository));
            default -> new GitLab(fixture.gitlab.token().projectPath(repository));
        };
    }

    String issuer(String provider) {
        return switch (provider) {
            case "github" -> fixture.github.issuer();
            case "ghes" -> fixture.ghes.issuer();
            default -> fixture.gitlab.issuer();
        };
    }

    Http.Response exchange(String provider, String token) {
        return http.postJson("/api/v1/oidc/token", map("token", token, "provider", provider), null);
    }

    String createPolicy(Map<String, Object> body) {
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies", body, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    // ---- the shared rules, for every provider

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenPolicyOfThatProviderThenTokenNamesProviderAndRepository(String provider) throws Exception {
        String repository = repo(provider);
        createPolicy(map("provider", provider, "repository", repository, "branch", "main"));

        Http.Response r = exchange(provider, token(provider, repository).mint());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("scope").asText()).isEqualTo("agents:write");
        String[] parts = r.json().get("access_token").asText().split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(claims).contains("\"client_id\":\"" + provider + ":" + repository + "\"");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenReplayedThenInvalidToken(String provider) {
        String repository = repo(provider);
        createPolicy(map("provider", provider, "repository", repository));
        String token = token(provider, repository).mint();
        assertThat(exchange(provider, token).status()).isEqualTo(200);
        assertError(exchange(provider, token), 401, "invalid_token", "The OIDC token was already exchanged");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenExpiredForgedOrMisaddressedThenInvalidTokenSayingWhy(String provider) {
        String repository = repo(provider);
        createPolicy(map("provider", provider, "repository", repository));
        assertError(exchange(provider, token(provider, repository).expired().mint()), 401, "invalid_token",
                "The OIDC token expired at ");
        assertError(exchange(provider, token(provider, repository).forgeAlgNone()), 401, "invalid_token",
                "The OIDC token's algorithm \"none\" is not allowed: tokens of provider " + provider + " must be RS256");
        assertError(exchange(provider, token(provider, repository).audience("https://someone-else.example").mint()),
                401, "invalid_token", "The OIDC token's audience \"https://someone-else.example\" is not exactly "
                        + "\"" + ThreeProviders.IDP + "\"");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenNoPolicyOfThatProviderThenTrustPolicyViolation(String provider) {
        String repository = repo(provider);
        // A policy of another provider for the same path admits nothing here.
        String other = provider.equals("github") ? "ghes" : "github";
        if (!provider.equals("gitlab")) {
            createPolicy(map("provider", other, "repository", repository));
        }
        assertError(exchange(provider, token(provider, repository).mint()), 403, "access_denied",
                "Trust policy violation: no bootstrap trust policy (one without agentId) for provider " + provider
                        + " and repository " + repository);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenBranchOrTagNotPermittedThenBranchNotPermitted(String provider) {
        String repository = repo(provider);
        createPolicy(map("provider", provider, "repository", repository, "branch", "main"));
        assertError(exchange(provider, token(provider, repository).branch("feature").mint()), 403, "access_denied",
                "Branch not permitted: branch feature is not permitted; the trust policies for repository "
                        + repository + " permit branches main");
        assertError(exchange(provider, token(provider, repository).tag("v1").mint()), 403, "access_denied",
                "Branch not permitted: ref refs/tags/v1 is not a branch");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenRepositoryRecreatedThenPinnedIdViolation(String provider) {
        String repository = repo(provider);
        String policy = createPolicy(map("provider", provider, "repository", repository));
        assertThat(exchange(provider, token(provider, repository).ids(10, 20).mint()).status()).isEqualTo(200);
        Http.Response pinned = http.get("/api/v1/oidc/trust-policies/" + policy, ADMIN);
        assertThat(pinned.json().get("repositoryId").asLong()).isEqualTo(10);
        assertThat(pinned.json().get("repositoryOwnerId").asLong()).isEqualTo(20);
        assertError(exchange(provider, token(provider, repository).ids(11, 20).mint()), 403, "access_denied",
                "Trust policy violation: repository " + repository + " has repository_id 11");
        assertError(exchange(provider, token(provider, repository).ids(10, 21).mint()), 403, "access_denied",
                "Trust policy violation: repository " + repository + " has repository_id 10 and repository_owner_id 21");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void exchangeWhenTokenPresentedUnderAnotherProvidersNameThenIssuerRefused(String provider) {
        String repository = repo(provider);
        String other = provider.equals("gitlab") ? "github" : "gitlab";
        assertError(exchange(other, token(provider, repository).mint()), 401, "invalid_token",
                "The OIDC token's issuer \"" + issuer(provider) + "\" is not the configured issuer \""
                        + issuer(other) + "\"");
    }

    // ---- GitLab's own rules

    @Test
    void gitlabWhenNestedGroupPathInAnotherCaseThenSameProject() {
        String repository = "Acme/Platform/Team/Deployer-" + UUID.randomUUID().toString().substring(0, 8);
        createPolicy(map("provider", "gitlab", "repository", repository));
        Http.Response r = exchange("gitlab", fixture.gitlab.token().projectPath(repository.toLowerCase()).mint());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void gitlabWhenTagAndBranchShareANameThenRefPathDecides() {
        String branchOnly = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", branchOnly, "branch", "main"));
        assertThat(exchange("gitlab", fixture.gitlab.token().projectPath(branchOnly).branch("main").mint()).status())
                .isEqualTo(200);
        // GitLab's "ref" is "main" for both; only ref_path tells the tag from the branch.
        assertError(exchange("gitlab", fixture.gitlab.token().projectPath(branchOnly).tag("main").mint()), 403,
                "access_denied", "Branch not permitted: ref refs/tags/main is not a branch");

        String tagOnly = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", tagOnly, "conditions", map("refs", List.of("refs/tags/main"))));
        assertThat(exchange("gitlab", fixture.gitlab.token().projectPath(tagOnly).tag("main").mint()).status())
                .isEqualTo(200);
        assertError(exchange("gitlab", fixture.gitlab.token().projectPath(tagOnly).branch("main").mint()), 403,
                "access_denied", "Branch not permitted: ref refs/heads/main is not permitted; the trust policies for "
                        + "repository " + tagOnly + " permit refs/tags/main");
    }

    @Test
    void gitlabWhenRefPathContradictsRefThenInvalidToken() {
        String repository = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", repository, "branch", "main"));
        assertError(exchange("gitlab", fixture.gitlab.token().projectPath(repository)
                        .ref("feature", "branch", "refs/heads/main").mint()), 401, "invalid_token",
                "The OIDC token's \"ref_path\" claim \"refs/heads/main\" does not name its branch \"feature\"");
    }

    @Test
    void gitlabWhenForkMergeRequestThenRefusedUnlessPolicyListsMergeRequestEvent() {
        String fork = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", fork, "conditions", map("refs", List.of("refs/heads/**"))));
        assertError(exchange("gitlab", fixture.gitlab.token().forkMergeRequest(fork, 901, 902, "feature").mint()),
                403, "access_denied", "Trust policy violation: the run is a merge request from a fork (source project "
                        + fork + ", run by another project), refused unless a policy lists merge_request_event in "
                        + "conditions.events; the policies for " + fork + " permit any event except workflow_run and "
                        + "issue_comment");
        createPolicy(map("provider", "gitlab", "repository", fork, "conditions",
                map("events", List.of("merge_request_event"))));
        Http.Response r = exchange("gitlab", fixture.gitlab.token().forkMergeRequest(fork, 901, 902, "feature").mint());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // A merge request from a branch of the project itself is an ordinary merge-request pipeline.
        String own = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", own));
        assertThat(exchange("gitlab", fixture.gitlab.token().projectPath(own).mergeRequest("feature").mint()).status())
                .isEqualTo(200);
    }

    @Test
    void gitlabWorkflowConditionReadsCiConfigRefUriOfTheProjectItself() {
        String repository = repo("gitlab");
        createPolicy(map("provider", "gitlab", "repository", repository, "conditions",
                map("workflows", List.of("ci/deploy.yml"))));
        assertThat(exchange("gitlab", fixture.gitlab.token().projectPath(repository).ciConfigPath("ci/deploy.yml")
                .mint()).status()).isEqualTo(200);
        assertError(exchange("gitlab", fixture.gitlab.token().projectPath(repository).ciConfigOutsideProject().mint()),
                403, "access_denied", "Trust policy violation: the run's workflow is not a file of repository "
                        + repository + "; the policies for " + repository + " permit workflow ci/deploy.yml");
    }

    @Test
    void gitlabPolicyWhenJobWorkflowsOrGitHubRunnerThenBadRequest() {
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("provider", "gitlab", "repository",
                        "acme/platform/x", "conditions", map("jobWorkflows",
                                List.of("org/shared/.github/workflows/release.yml@refs/heads/main"))), ADMIN),
                400, "invalid_request", "conditions.jobWorkflows is GitHub only: provider gitlab is a GitLab instance");
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("provider", "gitlab", "repository",
                        "acme/platform/x", "conditions", map("runnerEnvironment", "github-hosted")), ADMIN),
                400, "invalid_request", "conditions.runnerEnvironment must be one of gitlab-hosted, self-hosted for "
                        + "provider gitlab, got \"github-hosted\"");
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("provider", "ghes", "repository",
                        "acme/platform/x"), ADMIN),
                400, "invalid_request", "repository must be owner/name, got \"acme/platform/x\"");
    }
}
