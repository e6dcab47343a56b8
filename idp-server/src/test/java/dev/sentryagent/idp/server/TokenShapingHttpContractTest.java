package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sentryagent.idp.javalin.Http;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * Section 1's form parameters and section 3's token shaping over real HTTP against the real
 * server: what OAuth client libraries and curl send, the audience and lifetime each policy gives
 * the token (read from the issued JWT, verified with the served JWKS), the two new errors with the
 * exact words users read, and the explain route agreeing with the exchange. Subclasses choose the
 * database.
 */
abstract class TokenShapingHttpContractTest extends ServerFixture {
    static final String ADMIN = "test-admin-secret-0123456789-abcdefghij";
    static final String TOKEN = "/api/v1/oidc/token";
    static final String EVALUATE = "/api/v1/oidc/trust-policies/evaluate";
    static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    static final String DEPLOY = "https://deploy.example.com";
    static final String BILLING = "https://billing.example.com/api";

    TokenShapingHttpContractTest() {
        super(ADMIN);
    }

    String createPolicy(Object... fields) {
        return createPolicy(map(fields));
    }

    Http.Response postForm(String body) {
        return http.send("POST", TOKEN, "application/x-www-form-urlencoded", body, null);
    }

    Http.Response exchangeJson(Object... fields) {
        return http.postJson(TOKEN, map(fields), null);
    }

    /** The issued token, verified with the served JWKS as any resource server would (any audience). */
    JwtClaims issued(Http.Response r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return verifyWithServedJwks(r.json().get("access_token").asText(), null);
    }

    static void assertExactError(Http.Response r, int status, String error, String description) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.error()).isEqualTo(error);
        assertThat(r.description()).isEqualTo(description);
    }

    // ---- form requests (section 1)

    @Test
    void whenAuthlibStyleFormWithClientIdScopeAudienceAndUnknownParametersThenIssuedForThatAudience() throws Exception {
        String repository = repo();
        String policy = createPolicy("repository", repository, "audiences", List.of(DEPLOY));

        // What Authlib's OAuth2Session.fetch_token sends for a public client doing token exchange.
        Http.Response r = postForm(form("grant_type", GRANT, "subject_token", token(repository).mint(),
                "subject_token_type", ID_TOKEN, "requested_token_type", "urn:ietf:params:oauth:token-type:access_token",
                "audience", DEPLOY, "scope", "agents:write", "client_id", "ci-pipeline", "foo", "bar"));

        JwtClaims claims = issued(r);
        assertThat(claims.getClaimValue("aud")).isEqualTo(DEPLOY);
        assertThat(claims.getStringClaimValue("scope")).isEqualTo("agents:write");
        assertThat(claims.getStringClaimValue("policy_id")).isEqualTo(policy);
        assertThat(claims.getStringClaimValue("client_id")).as("the ignored client_id is not the token's")
                .isEqualTo("github:" + repository);
        assertThat(r.json().get("scope").asText()).isEqualTo("agents:write");
    }

    @Test
    void whenPlainCurlFormThenIssuedForTheIssuer() throws Exception {
        String repository = repo();
        createPolicy("repository", repository);
        // curl -d grant_type=... -d subject_token=... : unencoded values, an empty pair from a stray '&'.
        Http.Response r = postForm("grant_type=" + GRANT + "&subject_token=" + token(repository).mint()
                + "&subject_token_type=" + ID_TOKEN + "&&requested_token_type=urn:ietf:params:oauth:token-type:jwt");

        JwtClaims claims = issued(r);
        assertThat(claims.getClaimValue("aud")).isEqualTo(IDP);
        assertThat(r.json().get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        assertThat(r.json().get("expires_in").asLong()).isEqualTo(900);
    }

    @Test
    void whenFormParameterGivenTwiceThenInvalidRequestNamingIt() {
        String token = token(repo()).mint();
        String base = form("grant_type", GRANT, "subject_token", token, "subject_token_type", ID_TOKEN);
        assertExactError(postForm(base + "&audience=" + DEPLOY + "&audience=" + DEPLOY), 400, "invalid_request",
                "parameter audience is given more than once");
        assertExactError(postForm(base + "&resource=" + DEPLOY + "&resource=" + BILLING), 400, "invalid_request",
                "parameter resource is given more than once");
        assertExactError(postForm(base + "&client_id=a&client_id=a"), 400, "invalid_request",
                "parameter client_id is given more than once");
        assertExactError(postForm(base + "&foo=1&foo=2"), 400, "invalid_request", "parameter foo is given more than once");
        assertExactError(postForm(base + "&subject_token=" + token), 400, "invalid_request",
                "parameter subject_token is given more than once");
    }

    @Test
    void whenResourceGivenThenItIsTheAudience() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY, BILLING));
        String[] base = {"grant_type", GRANT, "subject_token_type", ID_TOKEN};

        JwtClaims viaResource = issued(postForm(form(concat(base, "subject_token", token(repository).mint(),
                "resource", BILLING))));
        assertThat(viaResource.getClaimValue("aud")).isEqualTo(BILLING);

        JwtClaims both = issued(postForm(form(concat(base, "subject_token", token(repository).mint(),
                "audience", DEPLOY, "resource", DEPLOY))));
        assertThat(both.getClaimValue("aud")).isEqualTo(DEPLOY);

        assertExactError(postForm(form(concat(base, "subject_token", token(repository).mint(), "audience", DEPLOY,
                "resource", BILLING))), 400, "invalid_request",
                "audience and resource name different audiences; give one audience, as either parameter");
    }

    @Test
    void whenScopeIsNotTheModesThenInvalidScope() {
        String repository = repo();
        String agent = http.postJson("/api/v1/agents", map("name", "scoped"), ADMIN).json().get("agentId").asText();
        createPolicy("repository", repository);
        createPolicy("repository", repository, "agentId", agent);

        assertExactError(postForm(form("grant_type", GRANT, "subject_token", token(repository).mint(),
                "subject_token_type", ID_TOKEN, "scope", "agent")), 400, "invalid_scope",
                "scope \"agent\" cannot be granted: a bootstrap exchange (no agent id) issues scope agents:write");
        assertExactError(exchangeJson("token", token(repository).mint(), "agentId", agent, "scope", "agents:write"), 400,
                "invalid_scope", "scope \"agents:write\" cannot be granted: an agent exchange issues scope agent");
        assertExactError(exchangeJson("token", token(repository).mint(), "scope", "openid agents:write"), 400,
                "invalid_scope", "scope \"openid agents:write\" cannot be granted: a bootstrap exchange (no agent id) "
                        + "issues scope agents:write");

        Http.Response agentToken = exchangeJson("token", token(repository).mint(), "agentId", agent, "scope", "agent");
        assertThat(agentToken.status()).as(agentToken.body()).isEqualTo(200);
        assertThat(agentToken.json().get("scope").asText()).isEqualTo("agent");
    }

    @Test
    void whenJsonHasUnknownFieldThenStillRefused() {
        assertExactError(exchangeJson("token", token(repo()).mint(), "resource", DEPLOY), 400, "invalid_request",
                "unknown field \"resource\"; allowed fields: agentId, audience, provider, scope, token");
    }

    // ---- shaping (section 3)

    @Test
    void whenNoAudienceRequestedThenAudIsThePolicysSingleAudienceAsAString() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY));
        JwtClaims claims = issued(exchangeJson("token", token(repository).mint()));
        assertThat(claims.getClaimValue("aud")).isEqualTo(DEPLOY);
    }

    @Test
    void whenNoAudienceRequestedThenAudIsThePolicysSeveralAudiencesAsAnArray() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY, BILLING));
        JwtClaims claims = issued(exchangeJson("token", token(repository).mint()));
        assertThat(claims.getClaimValue("aud")).isEqualTo(List.of(DEPLOY, BILLING));
    }

    @Test
    void whenNoAudienceRequestedAndPolicyHasNoneThenAudIsTheIssuer() throws Exception {
        String repository = repo();
        createPolicy("repository", repository);
        assertThat(issued(exchangeJson("token", token(repository).mint())).getClaimValue("aud")).isEqualTo(IDP);
    }

    @Test
    void whenIssuerRequestedThenAudIsExactlyTheIssuerEvenWhenThePolicyHasAudiences() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY, BILLING));
        assertThat(issued(exchangeJson("token", token(repository).mint(), "audience", IDP)).getClaimValue("aud"))
                .isEqualTo(IDP);
    }

    @Test
    void whenAPolicyAudienceRequestedThenAudIsExactlyThatOne() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY, BILLING));
        assertThat(issued(exchangeJson("token", token(repository).mint(), "audience", BILLING)).getClaimValue("aud"))
                .isEqualTo(BILLING);
    }

    @Test
    void whenAudienceNotListedThenInvalidTargetWithTheExactText() {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY, BILLING));
        assertExactError(exchangeJson("token", token(repository).mint(), "audience", "https://other.example.com"), 400,
                "invalid_target", "audience \"https://other.example.com\" is not permitted: it must be this IdP's "
                        + "issuer or one of the audiences of an admitting policy (" + DEPLOY + ", " + BILLING + ")");

        String bare = repo();
        createPolicy("repository", bare);
        assertExactError(exchangeJson("token", token(bare).mint(), "audience", DEPLOY), 400, "invalid_target",
                "audience \"" + DEPLOY + "\" is not permitted: it must be this IdP's issuer or one of the audiences "
                        + "of an admitting policy (none lists audiences)");
    }

    @Test
    void whenNoPolicyAdmitsThenAccessDeniedBeforeTheAudienceIsJudged() {
        String repository = repo();
        createPolicy("repository", repository, "branch", "main", "audiences", List.of(DEPLOY));
        Http.Response r = exchangeJson("token", token(repository).branch("dev").mint(), "audience", "https://x.example");
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.error()).isEqualTo("access_denied");
        assertThat(r.description()).startsWith("Branch not permitted: branch dev is not permitted");
    }

    @Test
    void whenOnlyAPolicyThatDoesNotAdmitListsTheAudienceThenInvalidTargetNotThatPolicysDenial() {
        String repository = repo();
        // This policy gets further through its checks than the bare one (it has more of them) but
        // fails on the runner; the bare one admits the token and lists no audience.
        createPolicy("repository", repository, "conditions", map("environments", List.of("production"),
                "runnerEnvironment", "github-hosted"), "audiences", List.of(DEPLOY));
        createPolicy("repository", repository);
        Map<String, Object> body = map("token", token(repository).environment("production").selfHosted().mint(),
                "audience", DEPLOY);
        String expected = "audience \"" + DEPLOY + "\" is not permitted: it must be this IdP's issuer or one of the "
                + "audiences of an admitting policy (none lists audiences)";

        JsonNode explained = http.postJson(EVALUATE, body, ADMIN).json();
        assertThat(explained.get("error").asText()).isEqualTo("invalid_target");
        assertThat(explained.get("error_description").asText()).isEqualTo(expected);
        assertExactError(http.postJson(TOKEN, body, null), 400, "invalid_target", expected);
    }

    @Test
    void whenPolicyHasTokenTtlThenLifetimeIsItsElseTheServers() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "tokenTtl", "PT5M");
        Http.Response r = exchangeJson("token", token(repository).mint());
        JwtClaims claims = issued(r);
        assertThat(r.json().get("expires_in").asLong()).isEqualTo(300);
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(300);
        assertThat(java.time.Instant.parse(r.json().get("expires_at").asText()).getEpochSecond())
                .isEqualTo(claims.getExpirationTime().getValue());

        String other = repo();
        createPolicy("repository", other);
        JwtClaims defaults = issued(exchangeJson("token", token(other).mint()));
        assertThat(defaults.getExpirationTime().getValue() - defaults.getIssuedAt().getValue()).isEqualTo(900);
    }

    @Test
    void whenSeveralAdmittingPoliciesListTheAudienceThenTheEarliestCreatedIssuesIt() throws Exception {
        String repository = repo();
        // The earlier policy is the less preferred one without an audience (no branch, no conditions).
        String earliest = createPolicy("repository", repository, "audiences", List.of(DEPLOY), "tokenTtl", "PT2M");
        Thread.sleep(1100); // createdAt has whole seconds
        String exact = createPolicy("repository", repository, "branch", "main", "audiences", List.of(DEPLOY, BILLING),
                "tokenTtl", "PT3M");

        JwtClaims requested = issued(exchangeJson("token", token(repository).mint(), "audience", DEPLOY));
        assertThat(requested.getStringClaimValue("policy_id")).isEqualTo(earliest);
        assertThat(requested.getClaimValue("aud")).isEqualTo(DEPLOY);
        assertThat(requested.getExpirationTime().getValue() - requested.getIssuedAt().getValue()).isEqualTo(120);

        JwtClaims onlyLater = issued(exchangeJson("token", token(repository).mint(), "audience", BILLING));
        assertThat(onlyLater.getStringClaimValue("policy_id")).isEqualTo(exact);

        JwtClaims unrequested = issued(exchangeJson("token", token(repository).mint()));
        assertThat(unrequested.getStringClaimValue("policy_id")).as("without an audience the exact branch is preferred")
                .isEqualTo(exact);
        assertThat(unrequested.getClaimValue("aud")).isEqualTo(List.of(DEPLOY, BILLING));
        assertThat(unrequested.getExpirationTime().getValue() - unrequested.getIssuedAt().getValue()).isEqualTo(180);
    }

    @Test
    void whenExplainedThenTheDecisionIsTheExchangesForEveryAudienceCase() {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY));
        createPolicy("repository", repository, "branch", "release", "audiences", List.of(BILLING));
        for (String audience : new String[] {null, IDP, DEPLOY, BILLING, "https://other.example.com"}) {
            String token = token(repository).branch("main").mint();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", token);
            if (audience != null) {
                body.put("audience", audience);
            }
            Http.Response explained = http.postJson(EVALUATE, body, ADMIN);
            assertThat(explained.status()).as(explained.body()).isEqualTo(200);
            Http.Response exchanged = http.postJson(TOKEN, body, null);
            JsonNode e = explained.json();
            assertThat(e.get("decision").asText()).as("audience %s", audience)
                    .isEqualTo(exchanged.status() == 200 ? "allow" : "deny");
            if (exchanged.status() != 200) {
                assertThat(e.get("error").asText()).isEqualTo(exchanged.error());
                assertThat(e.get("error_description").asText()).isEqualTo(exchanged.description());
            }
        }
        // What the loop compared, spelled out: BILLING is listed only by the policy that does not admit main.
        Http.Response billing = exchangeJson("token", token(repository).branch("main").mint(), "audience", BILLING);
        assertExactError(billing, 400, "invalid_target", "audience \"" + BILLING + "\" is not permitted: it must be this "
                + "IdP's issuer or one of the audiences of an admitting policy (" + DEPLOY + ")");
    }

    // ---- which audience this IdP's own routes accept

    @Test
    void whenBootstrapTokenIsForAnotherAudienceThenItCannotRegisterAnAgent() throws Exception {
        String repository = repo();
        createPolicy("repository", repository, "audiences", List.of(DEPLOY));
        String forDeploy = exchangeJson("token", token(repository).mint()).json().get("access_token").asText();

        assertExactError(http.postJson("/api/v1/agents", map("name", "elsewhere"), forDeploy), 401, "invalid_token",
                "The access token is for another audience, not this IdP: exchange the OIDC token with audience " + IDP
                        + " for a token this IdP accepts");

        String forIdp = exchangeJson("token", token(repository).mint(), "audience", IDP).json().get("access_token")
                .asText();
        Http.Response registered = http.postJson("/api/v1/agents", map("name", "here"), forIdp);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
