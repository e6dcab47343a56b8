package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * Every row of the HTTP contract over real HTTP on a random loopback port, with the testkit
 * issuer standing in for GitHub. Subclasses choose the database.
 */
public abstract class HttpContractTest extends ServerFixture {
    static final String ADMIN = "test-admin-secret-0123456789-abcdefghij";

    HttpContractTest() {
        super(ADMIN);
    }

    /** How the admin token is configured: plaintext or its hash. */
    protected abstract String adminTokenSetting();

    @Override
    ServerConfig config(String[] db, String githubIssuer) {
        return config(db, AdminToken.parse(adminTokenSetting()), githubIssuer);
    }

    // ---- token exchange: success

    @Test
    void exchangeJsonBootstrapThenAgentsWriteTokenVerifiableFromServedJwks() throws Exception {
        String repository = repo();
        createPolicy(map("repository", repository, "branch", "main"));

        Http.Response r = http.exchange(token(repository).mint(), null);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = r.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(900);
        assertThat(body.get("expires_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.get("scope").asText()).isEqualTo("agents:write");
        assertThat(body.has("agent_id")).isFalse();
        assertThat(body.get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        JwtClaims claims = verifyWithServedJwks(body.get("access_token").asText(), IDP);
        assertThat(claims.getStringClaimValue("scope")).isEqualTo("agents:write");
        assertThat(claims.getStringClaimValue("repository")).isEqualTo(repository);
    }

    @Test
    void exchangeRfc8693FormForAgentThenAgentScopedToken() throws Exception {
        String repository = repo();
        String agent = createAgent("form-agent");
        createPolicy(map("repository", repository, "agentId", agent));

        Http.Response r = http.postForm("/api/v1/oidc/token", map2(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token", token(repository).mint(),
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                "agent_id", agent));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("scope").asText()).isEqualTo("agent");
        assertThat(r.json().get("agent_id").asText()).isEqualTo(agent);
        assertThat(verifyWithServedJwks(r.json().get("access_token").asText(), IDP).getSubject()).isEqualTo(agent);
    }

    static Map<String, String> map2(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- token exchange: every refusal

    @Test
    void exchangeWhenReplayedThenInvalidToken() {
        String repository = repo();
        createPolicy(map("repository", repository));
        String token = token(repository).mint();
        assertThat(http.exchange(token, null).status()).isEqualTo(200);
        Http.Response r = http.exchange(token, null);
        assertError(r, 401, "invalid_token", "The OIDC token was already exchanged");
        assertThat(r.body()).doesNotContain(token);
    }

    @Test
    void exchangeWhenExpiredThenInvalidTokenSayingExpired() {
        String repository = repo();
        createPolicy(map("repository", repository));
        assertError(http.exchange(token(repository).expired().mint(), null), 401, "invalid_token",
                "The OIDC token expired at ");
    }

    @Test
    void exchangeWhenForgedThenInvalidTokenSayingWhy() {
        String repository = repo();
        createPolicy(map("repository", repository));
        assertError(http.exchange(token(repository).forgeAlgNone(), null), 401, "invalid_token",
                "The OIDC token's algorithm \"none\" is not allowed");
        assertError(http.exchange(token(repository).forgeHmacWithPublicKey(), null), 401, "invalid_token",
                "The OIDC token's algorithm \"HS256\" is not allowed");
        assertError(http.exchange(token(repository).forgeUnknownKeyWithKnownKid(), null), 401, "invalid_token",
                "The OIDC token's signature does not verify");
        assertError(http.exchange(token(repository).forgeJku("http://127.0.0.1:1/x"), null), 401, "invalid_token",
                "The OIDC token carries a \"jku\" header, which is refused");
    }

    @Test
    void exchangeWhenHeaderMalformedThenInvalidTokenNotServerError() {
        String repository = repo();
        createPolicy(map("repository", repository));
        assertError(http.exchange(token(repository).header("kid", 42).mint(), null), 401, "invalid_token",
                "The OIDC token has no \"kid\" header");
        String[] parts = token(repository).mint().split("\\.");
        assertError(http.exchange("WzFd." + parts[1] + "." + parts[2], null), 401, "invalid_token",
                "The OIDC token is not a signed JWT: its header is not base64url JSON");
        assertError(http.exchange(parts[0] + ".e30+/." + parts[2], null), 401, "invalid_token",
                "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void exchangeWhenMisaddressedThenInvalidTokenSayingAudience() {
        String repository = repo();
        createPolicy(map("repository", repository));
        assertError(http.exchange(token(repository).audience("https://someone-else.example").mint(), null), 401,
                "invalid_token", "The OIDC token's audience \"https://someone-else.example\" is not exactly");
        assertError(http.exchange(token(repository).issuer("https://evil.example").mint(), null), 401,
                "invalid_token", "The OIDC token's issuer \"https://evil.example\" is not the configured issuer");
    }

    @Test
    void exchangeWhenNoPolicyThenTrustPolicyViolation() {
        String repository = repo();
        assertError(http.exchange(token(repository).mint(), null), 403, "access_denied",
                "Trust policy violation: no bootstrap trust policy (one without agentId) for provider github and repository "
                        + repository);
    }

    @Test
    void exchangeWhenBranchDiffersThenBranchNotPermitted() {
        String repository = repo();
        createPolicy(map("repository", repository, "branch", "main"));
        assertError(http.exchange(token(repository).branch("feature").mint(), null), 403, "access_denied",
                "Branch not permitted: branch feature is not permitted; the trust policies for repository " + repository
                        + " permit branches main");
        assertError(http.exchange(token(repository).tag("v1").mint(), null), 403, "access_denied",
                "Branch not permitted: ref refs/tags/v1 is not a branch");
    }

    @Test
    void exchangeWhenAgentUnknownThenTrustPolicyViolationNotNotFound() {
        String repository = repo();
        String unknown = UUID.randomUUID().toString();
        assertError(http.exchange(token(repository).mint(), unknown), 403, "access_denied",
                "Trust policy violation: no trust policy for provider github, repository " + repository + " and agent "
                        + unknown);
    }

    @Test
    void exchangeWhenPullRequestTargetThenTrustPolicyViolation() {
        String repository = repo();
        createPolicy(map("repository", repository));
        assertError(http.exchange(token(repository).eventName("pull_request_target").mint(), null), 403,
                "access_denied", "Trust policy violation: runs triggered by pull_request_target are refused");
    }

    @Test
    void exchangeWhenRepositoryRecreatedThenPinnedIdViolation() {
        String repository = repo();
        String policy = createPolicy(map("repository", repository));
        assertThat(http.exchange(token(repository).repositoryId(10).repositoryOwnerId(20).mint(), null).status())
                .isEqualTo(200);
        Http.Response pinned = http.get("/api/v1/oidc/trust-policies/" + policy, ADMIN);
        assertThat(pinned.json().get("repositoryId").asLong()).isEqualTo(10);
        assertThat(pinned.json().get("repositoryOwnerId").asLong()).isEqualTo(20);
        assertError(http.exchange(token(repository).repositoryId(11).repositoryOwnerId(21).mint(), null), 403,
                "access_denied", "Trust policy violation: repository " + repository + " has repository_id 11");
    }

    @Test
    void exchangeWhenMalformedJsonThenInvalidRequestWithoutEchoingTheBody() {
        String token = github.token().mint();
        Http.Response r = http.postJson("/api/v1/oidc/token", "{\"token\": \"" + token + "\", ", null);
        assertError(r, 400, "invalid_request", "request body is not valid JSON");
        assertThat(r.body()).doesNotContain(token).doesNotContain(token.substring(0, 20));
        Http.Response duplicate = http.postJson("/api/v1/oidc/token", "{\"token\":\"a\",\"token\":\"" + token + "\"}", null);
        assertError(duplicate, 400, "invalid_request", "request body is not valid JSON");
        assertThat(duplicate.body()).doesNotContain(token.substring(0, 20));
    }

    @Test
    void exchangeWhenFieldsWrongThenInvalidRequestNamingTheField() {
        assertError(http.postJson("/api/v1/oidc/token", map("provider", "github"), null), 400, "invalid_request",
                "token is required");
        assertError(http.postJson("/api/v1/oidc/token", map("token", 42), null), 400, "invalid_request",
                "token must be a string");
        assertError(http.postJson("/api/v1/oidc/token", map("token", "x.y.z", "agentId", "not-a-uuid"), null), 400,
                "invalid_request", "agentId must be a UUID");
        assertError(http.postJson("/api/v1/oidc/token", map("token", "x.y.z", "agent_id", UUID.randomUUID().toString()),
                null), 400, "invalid_request", "unknown field \"agent_id\"; allowed fields: agentId, audience, provider, scope, token");
        assertError(http.postJson("/api/v1/oidc/token", "[1,2]", null), 400, "invalid_request",
                "request body must be a JSON object");
    }

    @Test
    void exchangeWhenProviderUnknownThenInvalidRequest() {
        assertError(http.postJson("/api/v1/oidc/token", map("token", github.token().mint(), "provider", "gitlab"), null),
                400, "invalid_request", "provider \"gitlab\" is not configured; configured providers: github");
    }

    @Test
    void exchangeWhenBodyOver64KiBThenPayloadTooLargeAndNothingParsed() {
        String huge = "{\"token\":\"" + "a".repeat(70 * 1024) + "\"}";
        assertError(http.postJson("/api/v1/oidc/token", huge, null), 413, "invalid_request",
                "request body is larger than 65536 bytes");
        String notEvenJson = "x".repeat(65 * 1024);
        assertError(http.postJson("/api/v1/oidc/token", notEvenJson, null), 413, "invalid_request",
                "request body is larger than 65536 bytes");
    }

    @Test
    void exchangeWhenBodyChunkedThenSameLimitWithoutAContentLength() {
        String repository = repo();
        createPolicy(map("repository", repository));
        Http.Response ok = http.sendChunked("POST", "/api/v1/oidc/token", "application/json",
                "{\"token\":\"" + token(repository).mint() + "\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("scope").asText()).isEqualTo("agents:write");
        String huge = "{\"token\":\"" + "a".repeat(70 * 1024) + "\"}";
        assertError(http.sendChunked("POST", "/api/v1/oidc/token", "application/json", huge), 413, "invalid_request",
                "request body is larger than 65536 bytes");
    }

    @Test
    void exchangeWhenTokenOver16KiBThenPayloadTooLarge() {
        String token = github.token().claim("padding", "p".repeat(20_000)).mint();
        Http.Response r = http.exchange(token, null);
        assertError(r, 413, "invalid_request", "token is larger than 16384 bytes");
        assertThat(r.body()).doesNotContain(token.substring(0, 40));
    }

    @Test
    void exchangeWhenContentTypeUnsupportedThenUnsupportedMediaType() {
        assertError(http.send("POST", "/api/v1/oidc/token", "text/plain", "token=x", null), 415, "invalid_request",
                "Content-Type must be application/json or application/x-www-form-urlencoded");
    }

    @Test
    void exchangeFormWhenGrantOrTokenTypeWrongThenRefused() {
        assertError(http.postForm("/api/v1/oidc/token", map2("grant_type", "client_credentials", "subject_token", "x",
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token")), 400, "unsupported_grant_type",
                "grant_type must be urn:ietf:params:oauth:grant-type:token-exchange");
        assertError(http.postForm("/api/v1/oidc/token", map2("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token", "x", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2")), 400,
                "invalid_request", "subject_token_type must be ");
        assertError(http.send("POST", "/api/v1/oidc/token", "application/x-www-form-urlencoded",
                "grant_type=a&grant_type=b", null), 400, "invalid_request", "parameter grant_type is given more than once");
    }

    // ---- admin authentication

    @Test
    void adminRouteWithoutTokenThenUnauthorizedWithChallenge() {
        Http.Response r = http.get("/api/v1/oidc/trust-policies", null);
        assertError(r, 401, "invalid_token", "Missing bearer token");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void adminRouteWithWrongSecretThenUnauthorized() {
        Http.Response r = http.get("/api/v1/oidc/trust-policies", ADMIN + "x");
        assertError(r, 401, "invalid_token", "The bearer token is not the admin token");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.body()).doesNotContain(ADMIN);
    }

    @Test
    void adminRouteWithBootstrapTokenThenUnauthorized() {
        String repository = repo();
        createPolicy(map("repository", repository));
        String bootstrap = http.exchange(token(repository).mint(), null).json().get("access_token").asText();
        assertError(http.get("/api/v1/oidc/trust-policies", bootstrap), 401, "invalid_token",
                "The bearer token is not the admin token");
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repository, "branch", "dev"),
                bootstrap), 401, "invalid_token", "The bearer token is not the admin token");
    }

    // ---- trust policies

    @Test
    void createPolicyThenCreatedWithLocationAndReadable() {
        String repository = repo();
        String agent = createAgent("policy-owner");
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies", map("provider", "github", "repository", repository,
                "branch", "release/1.x", "agentId", agent), ADMIN);
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asText();
        assertThat(r.header("Location")).isEqualTo("/api/v1/oidc/trust-policies/" + id);
        JsonNode policy = http.get("/api/v1/oidc/trust-policies/" + id, ADMIN).json();
        assertThat(policy.get("repository").asText()).isEqualTo(repository);
        assertThat(policy.get("branch").asText()).isEqualTo("release/1.x");
        assertThat(policy.get("agentId").asText()).isEqualTo(agent);
        assertThat(policy.get("provider").asText()).isEqualTo("github");
        assertThat(policy.get("createdAt").asText()).endsWith("Z");
        assertThat(policy.has("repositoryId")).isFalse();
    }

    @Test
    void createPolicyWhenIdenticalThenConflictNamingExistingId() {
        String repository = repo();
        String id = createPolicy(map("repository", repository, "branch", "main"));
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies",
                map("repository", repository.toUpperCase(), "branch", "main"), ADMIN);
        assertError(r, 409, "conflict", "An identical trust policy already exists: " + id);
    }

    @Test
    void createPolicyWhenInvalidThenBadRequestNamingFieldAndRule() {
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", "not a repo"), ADMIN), 400,
                "invalid_request", "repository must be owner/name, got \"not a repo\"");
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repo(), "branch", "refs/heads/main"),
                ADMIN), 400, "invalid_request", "branch must be the branch name without refs/heads/: write \"main\"");
        String unknown = UUID.randomUUID().toString();
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repo(), "agentId", unknown), ADMIN),
                400, "invalid_request", "agentId must name an existing agent, got " + unknown);
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repo(), "branches", "main"), ADMIN),
                400, "invalid_request", "unknown field \"branches\"");
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repo(), "repositoryId", -1), ADMIN),
                400, "invalid_request", "repositoryId must be a positive whole number");
        assertError(http.send("POST", "/api/v1/oidc/trust-policies", "text/plain", "{}", ADMIN), 415, "invalid_request",
                "Content-Type must be application/json");
    }

    @Test
    void getOrDeletePolicyWhenAbsentThenNotFound() {
        String id = UUID.randomUUID().toString();
        assertError(http.get("/api/v1/oidc/trust-policies/" + id, ADMIN), 404, "not_found", "No trust policy with id " + id);
        assertError(http.delete("/api/v1/oidc/trust-policies/" + id, ADMIN), 404, "not_found", "No trust policy with id ");
        assertError(http.get("/api/v1/oidc/trust-policies/nope", ADMIN), 400, "invalid_request", "id must be a UUID");
    }

    @Test
    void deletePolicyThenNoContentAndGone() {
        String repository = repo();
        String id = createPolicy(map("repository", repository));
        Http.Response r = http.delete("/api/v1/oidc/trust-policies/" + id, ADMIN);
        assertThat(r.status()).isEqualTo(204);
        assertThat(http.get("/api/v1/oidc/trust-policies/" + id, ADMIN).status()).isEqualTo(404);
        assertError(http.exchange(token(repository).mint(), null), 403, "access_denied", "Trust policy violation");
    }

    @Test
    void listPoliciesThenPagesThroughFilteredResultsWithCursor() {
        String repository = repo();
        Set<String> created = new HashSet<>();
        for (String branch : List.of("a", "b", "c", "d", "e")) {
            created.add(createPolicy(map("repository", repository, "branch", branch)));
        }
        createPolicy(map("repository", repo()));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Http.Response page = http.get("/api/v1/oidc/trust-policies?repository=" + repository.toUpperCase()
                    + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), ADMIN);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("items").forEach(p -> seen.add(p.get("id").asText()));
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void listPoliciesFiltersByAgentAndProvider() {
        String agent = createAgent("filter-agent");
        String id = createPolicy(map("repository", repo(), "agentId", agent));
        JsonNode items = http.get("/api/v1/oidc/trust-policies?agentId=" + agent + "&provider=github", ADMIN).json()
                .get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asText()).isEqualTo(id);
    }

    @Test
    void listPoliciesWhenBadFilterThenBadRequest() {
        assertPagingRefused("/api/v1/oidc/trust-policies");
        assertError(http.get("/api/v1/oidc/trust-policies?agentId=x", ADMIN), 400, "invalid_request",
                "agentId must be a UUID");
        assertError(http.get("/api/v1/oidc/trust-policies?repository=x", ADMIN), 400, "invalid_request",
                "repository must be owner/name");
        assertError(http.get("/api/v1/oidc/trust-policies?repo=x/y", ADMIN), 400, "invalid_request",
                "unknown query parameter \"repo\"");
    }

    // ---- agents

    @Test
    void registerAgentWithBootstrapTokenThenCreatedByRecordsTheWorkload() {
        String repository = repo();
        createPolicy(map("repository", repository));
        String bootstrap = http.exchange(token(repository).branch("main").mint(), null).json().get("access_token").asText();

        Http.Response r = http.postJson("/api/v1/agents", map("name", "ci-bot", "description", "deploys"), bootstrap);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode agent = r.json();
        assertThat(agent.get("name").asText()).isEqualTo("ci-bot");
        assertThat(agent.get("description").asText()).isEqualTo("deploys");
        assertThat(agent.get("createdBy").asText()).isEqualTo("github:" + repository + "@refs/heads/main");
        assertThat(r.header("Location")).isEqualTo("/api/v1/agents/" + agent.get("agentId").asText());
        JsonNode read = http.get("/api/v1/agents/" + agent.get("agentId").asText(), ADMIN).json();
        assertThat(read.get("createdAt").asText()).isEqualTo(agent.get("createdAt").asText());
    }

    @Test
    void registerAgentWithAgentScopedTokenThenInsufficientScope() {
        String repository = repo();
        String agent = createAgent("existing");
        createPolicy(map("repository", repository, "agentId", agent));
        String agentToken = http.exchange(token(repository).mint(), agent).json().get("access_token").asText();
        Http.Response r = http.postJson("/api/v1/agents", map("name", "sneaky"), agentToken);
        assertError(r, 403, "insufficient_scope", "The access token lacks scope agents:write");
        assertThat(r.header("WWW-Authenticate")).contains("insufficient_scope");
    }

    @Test
    void registerAgentWithoutOrWithForeignTokenThenUnauthorized() {
        assertError(http.postJson("/api/v1/agents", map("name", "x"), null), 401, "invalid_token", "Missing bearer token");
        assertError(http.postJson("/api/v1/agents", map("name", "x"), github.token().mint()), 401, "invalid_token",
                "The access token was not issued by this IdP or is malformed");
        assertError(http.postJson("/api/v1/agents", map("name", "x"), "garbage"), 401, "invalid_token",
                "The access token was not issued by this IdP or is malformed");
    }

    @Test
    void registerAgentWhenNameInvalidThenBadRequest() {
        assertError(http.postJson("/api/v1/agents", map("description", "no name"), ADMIN), 400, "invalid_request",
                "name is required and must not be blank");
        assertError(http.postJson("/api/v1/agents", map("name", "x".repeat(201)), ADMIN), 400, "invalid_request",
                "name must be at most 200 characters, got 201");
    }

    @Test
    void adminAgentRoutesListGetDeleteAndDeleteCascadesToPolicies() {
        String agent = createAgent("doomed");
        String policy = createPolicy(map("repository", repo(), "agentId", agent));
        assertThat(http.get("/api/v1/agents/" + agent, ADMIN).json().get("createdBy").asText()).isEqualTo("admin");
        Http.Response list = http.get("/api/v1/agents?limit=500", ADMIN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items").findValuesAsText("agentId")).contains(agent);
        assertThat(http.delete("/api/v1/agents/" + agent, ADMIN).status()).isEqualTo(204);
        assertError(http.get("/api/v1/agents/" + agent, ADMIN), 404, "not_found", "No agent with id " + agent);
        assertError(http.get("/api/v1/oidc/trust-policies/" + policy, ADMIN), 404, "not_found", "No trust policy");
        assertError(http.delete("/api/v1/agents/" + agent, ADMIN), 404, "not_found", "No agent with id");
    }

    @Test
    void listAgentsWhenBadPagingThenBadRequest() {
        assertPagingRefused("/api/v1/agents");
    }

    // ---- documents, health, unknown routes

    @Test
    void discoveryDocumentNamesIssuerEndpointsAndGrant() {
        JsonNode doc = http.get("/.well-known/openid-configuration", null).json();
        assertThat(doc.get("issuer").asText()).isEqualTo(IDP);
        assertThat(doc.get("token_endpoint").asText()).isEqualTo(IDP + "/api/v1/oidc/token");
        assertThat(doc.get("jwks_uri").asText()).isEqualTo(IDP + "/.well-known/jwks.json");
        assertThat(doc.get("grant_types_supported").get(0).asText())
                .isEqualTo("urn:ietf:params:oauth:grant-type:token-exchange");
    }

    @Test
    void jwksPublishesOnlyPublicKeys() throws Exception {
        Http.Response r = http.get("/.well-known/jwks.json", null);
        assertThat(r.status()).isEqualTo(200);
        JsonWebKeySet set = new JsonWebKeySet(r.body());
        assertThat(set.getJsonWebKeys()).isNotEmpty();
        assertThat(r.body()).doesNotContain("\"d\"");
        assertThat(set.getJsonWebKeys().get(0).getAlgorithm()).isEqualTo("ES256");
    }

    @Test
    void healthWhenStoreAnswersThenOk() {
        Http.Response r = http.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void unknownRouteAndWrongMethodThenJsonErrors() {
        assertError(http.get("/api/v1/nothing", null), 404, "not_found", "No route GET /api/v1/nothing");
        Http.Response r = http.send("PUT", "/api/v1/oidc/token", null, null, null);
        assertError(r, 405, "method_not_allowed", "Method PUT is not allowed on /api/v1/oidc/token");
    }
}
