package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sentryagent.idp.javalin.Http;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trust policies version 2 over real HTTP: conditions, audiences and lifetime on the admin
 * routes, their validation with the exact words users read, and the explain route agreeing with
 * the exchange.
 */
class TrustPolicyConditionsHttpTest extends ServerFixture {
    static final String ADMIN = "test-admin-secret-0123456789-abcdefghij";
    static final String POLICIES = "/api/v1/oidc/trust-policies";
    static final String EVALUATE = "/api/v1/oidc/trust-policies/evaluate";

    TrustPolicyConditionsHttpTest() {
        super(ADMIN);
    }

    /** The example: only deploy.yml, only on main or tags v*, only in production, only on push. */
    static Map<String, Object> releasePolicy(String repository) {
        return map("repository", repository,
                "conditions", map(
                        "refs", List.of("refs/heads/main", "refs/tags/v*"),
                        "environments", List.of("production"),
                        "workflows", List.of(".github/workflows/deploy.yml"),
                        "events", List.of("push")),
                "audiences", List.of("https://deploy.example.com"),
                "tokenTtl", "PT5M");
    }

    Http.Response evaluate(String token) {
        return http.postJson(EVALUATE, map("token", token), ADMIN);
    }

    @Test
    void createWithConditionsThenReturnedAndListedAsGiven() {
        String repository = repo();
        Http.Response created = http.postJson(POLICIES, releasePolicy(repository), ADMIN);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode policy = created.json();
        assertThat(policy.get("conditions").get("refs")).hasSize(2);
        assertThat(policy.get("conditions").get("refs").get(1).asText()).isEqualTo("refs/tags/v*");
        assertThat(policy.get("conditions").get("environments").get(0).asText()).isEqualTo("production");
        assertThat(policy.get("conditions").has("refProtected")).isFalse();
        assertThat(policy.get("audiences").get(0).asText()).isEqualTo("https://deploy.example.com");
        assertThat(policy.get("tokenTtl").asText()).isEqualTo("PT5M");
        assertThat(http.get(POLICIES + "/" + policy.get("id").asText(), ADMIN).json()).isEqualTo(policy);
        assertThat(http.get(POLICIES + "?repository=" + repository, ADMIN).json().get("items").get(0)).isEqualTo(policy);

        Http.Response again = http.postJson(POLICIES, releasePolicy(repository), ADMIN);
        assertThat(again.status()).isEqualTo(409);

        JsonNode bare = http.postJson(POLICIES, map("repository", repository, "branch", "main"), ADMIN).json();
        assertThat(bare.get("conditions").isNull()).isTrue();
        assertThat(bare.get("audiences").isNull()).isTrue();
        assertThat(bare.get("tokenTtl").isNull()).isTrue();
    }

    static Stream<Arguments> invalidPolicies() {
        return Stream.of(
                Arguments.of(map("branch", "refs/tags/v1"), "branch must be a branch name, not a ref: for tags and "
                        + "other refs use conditions.refs, got \"refs/tags/v1\""),
                Arguments.of(map("branch", "refs/heads/main"), "branch must be the branch name without refs/heads/: "
                        + "write \"main\", got \"refs/heads/main\""),
                Arguments.of(map("branch", "HEAD"), "branch must name a branch, not HEAD, got \"HEAD\""),
                Arguments.of(map("branch", "a..b"), "branch must be a valid git branch name, got \"a..b\""),
                Arguments.of(map("provider", "gitlab"), "provider \"gitlab\" is not configured; configured providers: "
                        + "github"),
                Arguments.of(map("branch", "main", "conditions", map("refs", List.of("refs/tags/v*"))),
                        "branch and conditions.refs cannot be combined: branch \"main\" means conditions.refs "
                                + "[\"refs/heads/main\"]; give one of them"),
                Arguments.of(map("conditions", map("refs", List.of("refs/tags/v[0-9]*"))), "conditions.refs must not "
                        + "contain '[': patterns know only *, ** and ?, got \"refs/tags/v[0-9]*\""),
                Arguments.of(map("conditions", map("refs", List.of("v*"))), "conditions.refs patterns must start "
                        + "with refs/heads/ or refs/tags/ and name at least one more character, got \"v*\""),
                Arguments.of(map("conditions", map("events", List.of("pull_request_target"))), "conditions.events must "
                        + "not list pull_request_target: its runs are always refused (a fork's code with the base "
                        + "repository's identity)"),
                Arguments.of(map("conditions", map("environment", List.of("production"))), "unknown field "
                        + "\"conditions.environment\"; allowed fields of conditions: refs, environments, workflows, "
                        + "jobWorkflows, events, refProtected, runnerEnvironment"),
                Arguments.of(map("conditions", map("environments", "production")), "conditions.environments must be an "
                        + "array of strings"),
                Arguments.of(map("conditions", map("environments", List.of())), "conditions.environments must hold 1 "
                        + "to 20 entries, got 0"),
                Arguments.of(map("conditions", map("refProtected", "yes")), "conditions.refProtected must be true or "
                        + "false"),
                Arguments.of(map("conditions", map("runnerEnvironment", "windows")), "conditions.runnerEnvironment "
                        + "must be one of github-hosted, gitlab-hosted, self-hosted, got \"windows\""),
                Arguments.of(map("conditions", map("jobWorkflows", List.of("org/shared/release.yml"))),
                        "conditions.jobWorkflows entries must be owner/repo/path@ref, like "
                                + "org/shared/.github/workflows/release.yml@refs/heads/main, got \"org/shared/release.yml\""),
                Arguments.of(map("conditions", "production"), "conditions must be a JSON object"),
                Arguments.of(map("audiences", List.of("http://deploy.example.com")), "audiences entries must be "
                        + "absolute https URIs (plain http only on loopback), got \"http://deploy.example.com\""),
                Arguments.of(map("tokenTtl", "5m"), "tokenTtl must be an ISO 8601 duration between PT1M and PT1H, got "
                        + "\"5m\""),
                Arguments.of(map("tokenTtl", "PT2H"), "tokenTtl must be between PT1M and PT1H, got PT2H"));
    }

    @ParameterizedTest
    @MethodSource("invalidPolicies")
    void createWhenFieldInvalidThen400NamingFieldAndRule(Map<String, Object> fields, String description) {
        Map<String, Object> body = map("repository", repo());
        body.putAll(fields);
        Http.Response r = http.postJson(POLICIES, body, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_request");
        assertThat(r.description()).isEqualTo(description);
    }

    @Test
    void createWhenIdsDifferFromRepositoryPinThen400AndSiblingInheritsPin() {
        String repository = repo();
        http.postJson(POLICIES, map("repository", repository, "branch", "main", "repositoryId", 100,
                "repositoryOwnerId", 200), ADMIN);
        Http.Response differing = http.postJson(POLICIES, map("repository", repository, "branch", "release",
                "repositoryId", 999, "repositoryOwnerId", 200), ADMIN);
        assertThat(differing.status()).isEqualTo(400);
        assertThat(differing.description()).isEqualTo("repositoryId and repositoryOwnerId must be the ids repository "
                + repository + " is pinned to, 100 and 200, got 999 and 200");

        JsonNode sibling = http.postJson(POLICIES, map("repository", repository, "branch", "release"), ADMIN).json();
        assertThat(sibling.get("repositoryId").asLong()).isEqualTo(100);
        // The attack of issue 12: a re-created repository no longer gets in through the newer sibling.
        Http.Response impostor = http.exchange(token(repository).branch("release").repositoryId(999)
                .repositoryOwnerId(888).mint(), null);
        assertThat(impostor.status()).isEqualTo(403);
        assertThat(impostor.description()).isEqualTo("Trust policy violation: repository " + repository
                + " has repository_id 999 and repository_owner_id 888, but its trust policies are pinned to "
                + "repositoryId 100 and repositoryOwnerId 200 (was the repository deleted and re-created?)");
    }

    @Test
    void evaluateWhenDeniedThenSameAnswerAsExchangeAndTokenStillExchangeable() {
        String repository = repo();
        String policyId = http.postJson(POLICIES, releasePolicy(repository), ADMIN).json().get("id").asText();
        String staging = token(repository).workflow(".github/workflows/deploy.yml").environment("staging").mint();

        Http.Response explained = evaluate(staging);

        assertThat(explained.status()).as(explained.body()).isEqualTo(200);
        assertThat(explained.header("Cache-Control")).isEqualTo("no-store");
        JsonNode e = explained.json();
        String expected = "Trust policy violation: environment \"staging\" is not permitted; the policies for "
                + repository + " permit production";
        assertThat(e.get("decision").asText()).isEqualTo("deny");
        assertThat(e.get("error").asText()).isEqualTo("access_denied");
        assertThat(e.get("error_description").asText()).isEqualTo(expected);
        assertThat(e.get("verification")).isEqualTo(Http.MAPPER.valueToTree(
                map("ok", true, "error_description", null, "alreadyExchanged", false)));
        assertThat(e.get("claims").get("environment").asText()).isEqualTo("staging");
        assertThat(e.get("claims").get("event_name").asText()).isEqualTo("push");
        JsonNode policy = e.get("policies").get(0);
        assertThat(policy.get("id").asText()).isEqualTo(policyId);
        assertThat(policy.get("admits").asBoolean()).isFalse();
        assertThat(policy.get("checks")).anySatisfy(check -> assertThat(check).isEqualTo(Http.MAPPER.valueToTree(
                map("condition", "environment", "ok", false, "expected", "production", "actual", "staging"))));
        assertThat(policy.get("checks")).anySatisfy(check -> assertThat(check).isEqualTo(Http.MAPPER.valueToTree(
                map("condition", "ref", "ok", true, "expected", "refs/heads/main, refs/tags/v*",
                        "actual", "refs/heads/main"))));

        Http.Response exchanged = http.exchange(staging, null);
        assertThat(exchanged.status()).isEqualTo(403);
        assertThat(exchanged.description()).isEqualTo(expected);

        JsonNode after = evaluate(staging).json();
        assertThat(after.get("verification").get("alreadyExchanged").asBoolean()).isTrue();
        assertThat(after.get("error").asText()).isEqualTo("invalid_token");
        assertThat(after.get("error_description").asText())
                .isEqualTo("The OIDC token was already exchanged: each token may be exchanged once");
    }

    @Test
    void evaluateWhenAllowedThenExchangeOfSameTokenSucceeds() {
        String repository = repo();
        http.postJson(POLICIES, releasePolicy(repository), ADMIN);
        String release = token(repository).tag("v1.4.0").workflow(".github/workflows/deploy.yml")
                .environment("production").mint();

        JsonNode e = evaluate(release).json();

        assertThat(e.get("decision").asText()).as(e.toString()).isEqualTo("allow");
        assertThat(e.get("error").isNull()).isTrue();
        assertThat(e.get("error_description").isNull()).isTrue();
        assertThat(http.exchange(release, null).status()).isEqualTo(200);
    }

    @Test
    void evaluateWhenExpiredThenPoliciesEvaluatedWithVerificationReason() {
        String repository = repo();
        http.postJson(POLICIES, releasePolicy(repository), ADMIN);

        JsonNode e = evaluate(token(repository).expired().mint()).json();

        assertThat(e.get("decision").asText()).isEqualTo("deny");
        assertThat(e.get("error").asText()).isEqualTo("invalid_token");
        assertThat(e.get("verification").get("ok").asBoolean()).isFalse();
        assertThat(e.get("verification").get("error_description").asText()).startsWith("The OIDC token expired at ");
        assertThat(e.get("policies")).hasSize(1);
    }

    @Test
    void evaluateWhenSignatureForgedThenNoPolicies() {
        String repository = repo();
        http.postJson(POLICIES, releasePolicy(repository), ADMIN);
        JsonNode e = evaluate(token(repository).forgeUnknownKeyWithKnownKid()).json();
        assertThat(e.get("decision").asText()).isEqualTo("deny");
        assertThat(e.get("policies")).isEmpty();
        assertThat(e.get("claims")).isEmpty();
        assertThat(e.get("verification").get("ok").asBoolean()).isFalse();
    }

    @Test
    void evaluateWithoutAdminTokenThen401() {
        Http.Response r = http.postJson(EVALUATE, map("token", token(repo()).mint()), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void evaluateWhenUnknownFieldThen400() {
        Http.Response r = http.postJson(EVALUATE, map("token", "x", "grant", "x"), ADMIN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.description()).isEqualTo("unknown field \"grant\"; allowed fields: agentId, audience, provider, "
                + "token");
    }
}
