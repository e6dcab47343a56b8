package dev.sentryagent.idp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeGitLabIssuerTest {
    private static final String AUDIENCE = "https://idp.example.com";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static FakeGitLabIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = FakeGitLabIssuer.start(AUDIENCE).enableMintEndpoint();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    /** A verifier as a relying party would build it: keys found through discovery, RS256 only. */
    private static JwtConsumer verifierFromDiscovery() throws Exception {
        Map<String, Object> discovery = JsonUtil.parseJson(get("/.well-known/openid-configuration").body());
        return new JwtConsumerBuilder()
                .setExpectedIssuer(issuer.issuer())
                .setExpectedAudience(AUDIENCE)
                .setRequireJwtId()
                .setRequireExpirationTime()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(
                        new HttpsJwks((String) discovery.get("jwks_uri"))))
                .build();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void discoveryWhenFetchedThenNamesIssuerAndGitLabKeyPath() throws Exception {
        HttpResponse<String> response = get("/.well-known/openid-configuration");

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> doc = JsonUtil.parseJson(response.body());
        assertThat(doc.get("issuer")).isEqualTo(issuer.issuer());
        assertThat(doc.get("jwks_uri")).isEqualTo(issuer.issuer() + "/oauth/discovery/keys");
        assertThat(doc.get("id_token_signing_alg_values_supported")).isEqualTo(List.of("RS256"));
    }

    @Test
    void keysWhenFetchedThenTwoPublicRs256KeysWithThumbprintKidsAndGitLabCaching() throws Exception {
        HttpResponse<String> response = get("/oauth/discovery/keys");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValue("max-age=86400, public, must-revalidate, no-transform");
        assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("\"p\"");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) JsonUtil.parseJson(response.body()).get("keys");
        assertThat(keys).hasSize(2).allSatisfy(key -> {
            assertThat(key).containsEntry("kty", "RSA").containsEntry("alg", "RS256").containsEntry("use", "sig");
        });
        assertThat(keys).extracting(key -> key.get("kid")).containsExactlyInAnyOrder(
                issuer.currentKey().calculateBase64urlEncodedThumbprint("SHA-256"),
                issuer.instanceOidcKey().calculateBase64urlEncodedThumbprint("SHA-256"));
        assertThat(get("/.well-known/jwks").statusCode()).isEqualTo(404);
    }

    @Test
    void mintedTokenWhenVerifiedAgainstDiscoveredKeysThenHasGitLabClaimSet() throws Exception {
        String token = issuer.token().mint();

        JwtClaims claims = verifierFromDiscovery().processToClaims(token);

        assertThat(claims.getSubject()).isEqualTo("project_path:acme/platform/deployer:ref_type:branch:ref:main");
        assertThat(claims.getClaimsMap()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("namespace_id", "200"),
                Map.entry("namespace_path", "acme/platform"),
                Map.entry("project_id", "100"),
                Map.entry("project_path", "acme/platform/deployer"),
                Map.entry("job_project_id", "100"),
                Map.entry("job_project_path", "acme/platform/deployer"),
                Map.entry("job_namespace_id", "200"),
                Map.entry("job_namespace_path", "acme/platform"),
                Map.entry("user_id", "300"),
                Map.entry("user_login", "gitlab-user"),
                Map.entry("user_email", "gitlab-user@example.com"),
                Map.entry("user_access_level", "maintainer"),
                Map.entry("pipeline_id", "4242"),
                Map.entry("pipeline_source", "push"),
                Map.entry("job_id", "8080"),
                Map.entry("ref", "main"),
                Map.entry("ref_type", "branch"),
                Map.entry("ref_path", "refs/heads/main"),
                Map.entry("ref_protected", "true"),
                Map.entry("runner_id", 12270835L),
                Map.entry("runner_environment", "gitlab-hosted"),
                Map.entry("sha", "0123456789abcdef0123456789abcdef01234567"),
                Map.entry("ci_config_ref_uri",
                        issuer.host() + "/acme/platform/deployer//.gitlab-ci.yml@refs/heads/main"),
                Map.entry("ci_config_sha", "0123456789abcdef0123456789abcdef01234567"),
                Map.entry("project_visibility", "private"),
                Map.entry("iss", issuer.issuer()),
                Map.entry("aud", AUDIENCE)));
        assertThat(claims.getJwtId()).matches("[0-9a-f-]{36}");
        assertThat(claims.getNotBefore().getValue()).isEqualTo(claims.getIssuedAt().getValue() - 5);
        assertThat(claims.getExpirationTime().getValue()).isEqualTo(claims.getIssuedAt().getValue() + 3600);
        assertThat(claims.hasClaim("environment")).isFalse();
        JsonWebStructure jws = JsonWebStructure.fromCompactSerialization(token);
        assertThat(jws.getAlgorithmHeaderValue()).isEqualTo("RS256");
        assertThat(jws.getKeyIdHeaderValue()).isEqualTo(issuer.currentKey().getKeyId());
    }

    @Test
    void claimTypesWhenSerialisedThenIdsAndBooleansAreStringsAndRunnerIdAndTimesAreNumbers() {
        String payload = issuer.token().environment("production").payload();

        assertThat(payload)
                .contains("\"project_id\":\"100\"", "\"namespace_id\":\"200\"", "\"user_id\":\"300\"",
                        "\"pipeline_id\":\"4242\"", "\"job_id\":\"8080\"", "\"ref_protected\":\"true\"",
                        "\"environment_protected\":\"false\"", "\"runner_id\":12270835")
                .containsPattern("\"iat\":\\d+,").containsPattern("\"nbf\":\\d+,").containsPattern("\"exp\":\\d+,");
    }

    @Test
    void environmentWhenNamedThenTierGuessedAsGitLabDoes() throws Exception {
        JwtClaims production = issuer.token().environment("production").claims();
        JwtClaims review = issuer.token().environment("review/feature-1").claims();
        JwtClaims preprod = issuer.token().environment("preprod").claims();

        assertThat(production.getClaimsMap()).containsEntry("environment", "production")
                .containsEntry("deployment_tier", "production").containsEntry("environment_action", "start");
        assertThat(review.getStringClaimValue("deployment_tier")).isEqualTo("development");
        assertThat(preprod.getStringClaimValue("deployment_tier")).isEqualTo("staging");
        assertThat(issuer.token().environment("eu-1").claims().getStringClaimValue("deployment_tier"))
                .isEqualTo("other");
    }

    @Test
    void tagWhenMintedThenRefIsShortNameAndRefPathIsFull() throws Exception {
        JwtClaims claims = verifierFromDiscovery().processToClaims(
                issuer.token().projectPath("g/sub/deeper/p").tag("v1.2.0").mint());

        assertThat(claims.getSubject()).isEqualTo("project_path:g/sub/deeper/p:ref_type:tag:ref:v1.2.0");
        assertThat(claims.getStringClaimValue("ref")).isEqualTo("v1.2.0");
        assertThat(claims.getStringClaimValue("ref_path")).isEqualTo("refs/tags/v1.2.0");
        assertThat(claims.getStringClaimValue("namespace_path")).isEqualTo("g/sub/deeper");
        assertThat(claims.getStringClaimValue("ci_config_ref_uri"))
                .isEqualTo(issuer.host() + "/g/sub/deeper/p//.gitlab-ci.yml@refs/tags/v1.2.0");
    }

    @Test
    void mergeRequestWhenSameProjectThenSourceBranchUnprotectedAndIdsUnchanged() throws Exception {
        JwtClaims claims = issuer.token().mergeRequest("feature/login").claims();

        assertThat(claims.getClaimsMap()).containsEntry("pipeline_source", "merge_request_event")
                .containsEntry("ref", "feature/login").containsEntry("ref_path", "refs/heads/feature/login")
                .containsEntry("ref_protected", "false")
                .containsEntry("project_id", "100").containsEntry("job_project_id", "100");
    }

    @Test
    void forkMergeRequestWhenMintedThenProjectClaimsNameForkAndJobProjectClaimsNameTarget() throws Exception {
        JwtClaims claims = verifierFromDiscovery().processToClaims(issuer.token()
                .forkMergeRequest("mallory/deployer", 900, 901, "main").mint());

        assertThat(claims.getSubject()).isEqualTo("project_path:mallory/deployer:ref_type:branch:ref:main");
        assertThat(claims.getClaimsMap())
                .containsEntry("pipeline_source", "merge_request_event")
                .containsEntry("project_path", "mallory/deployer").containsEntry("project_id", "900")
                .containsEntry("namespace_path", "mallory").containsEntry("namespace_id", "901")
                .containsEntry("job_project_path", "acme/platform/deployer").containsEntry("job_project_id", "100")
                .containsEntry("job_namespace_path", "acme/platform").containsEntry("job_namespace_id", "200")
                .containsEntry("ref_path", "refs/heads/main").containsEntry("ref_protected", "false")
                .containsEntry("ci_config_ref_uri",
                        issuer.host() + "/acme/platform/deployer//.gitlab-ci.yml@refs/heads/main");
    }

    @Test
    void olderGitLabWhenMintedThenNoJobProjectClaims() {
        JwtClaims claims = issuer.token().withoutJobProjectClaims().claims();

        assertThat(claims.getClaimNames()).noneMatch(name -> name.startsWith("job_project") || name.startsWith("job_namespace"));
        assertThat(claims.hasClaim("project_id")).isTrue();
    }

    @Test
    void ciConfigOutsideProjectWhenMintedThenConfigClaimsAreJsonNull() {
        String payload = issuer.token().ciConfigOutsideProject().payload();

        assertThat(payload).contains("\"ci_config_ref_uri\":null", "\"ci_config_sha\":null");
        assertThat(issuer.token().ciConfigPath("ci/deploy.yml").claims().getClaimsMap())
                .containsEntry("ci_config_ref_uri", issuer.host() + "/acme/platform/deployer//ci/deploy.yml@refs/heads/main");
    }

    @Test
    void withoutWhenClaimRemovedThenAbsentAndOverrideWins() {
        JwtClaims claims = issuer.token().without("project_id").without("jti").claim("sub", "custom").claims();

        assertThat(claims.hasClaim("project_id")).isFalse();
        assertThat(claims.hasClaim("jti")).isFalse();
        assertThat(claims.getClaimValue("sub")).isEqualTo("custom");
    }

    @Test
    void forgedVariantsWhenVerifiedThenEachRefused() throws Exception {
        JwtConsumer verifier = verifierFromDiscovery();
        Map<String, String> forged = Map.of(
                "wrong key", issuer.token().forgeUnknownKeyWithKnownKid(),
                "wrong issuer", issuer.token().issuer("https://gitlab.com").mint(),
                "wrong audience", issuer.token().audience("https://other.example.com").mint(),
                "expired", issuer.token().expired().mint(),
                "not yet valid", issuer.token().notYetValid().mint(),
                "missing jti", issuer.token().without("jti").mint(),
                "alg none", issuer.token().forgeAlgNone(),
                "hmac confusion", issuer.token().forgeHmacWithPublicKey(),
                "embedded jwk", issuer.token().forgeEmbeddedJwk(),
                "unknown kid", issuer.token().kid("no-such-kid").mint());

        forged.forEach((attack, token) -> assertThatThrownBy(() -> verifier.processToClaims(token))
                .as(attack).isInstanceOf(InvalidJwtException.class));
        assertThat(verifier.processToClaims(issuer.token().mint()).getSubject()).startsWith("project_path:");
    }

    @Test
    void clockWhenFixedThenTimesFollowIt() {
        Instant now = Instant.parse("2026-11-27T18:00:00Z");
        try (FakeGitLabIssuer fixed = FakeGitLabIssuer.start(AUDIENCE, Clock.fixed(now, ZoneOffset.UTC))) {
            JwtClaims claims = fixed.token().claims();

            assertThat(claims.getClaimValue("iat")).isEqualTo(now.getEpochSecond());
            assertThat(claims.getClaimValue("nbf")).isEqualTo(now.getEpochSecond() - 5);
            assertThat(claims.getClaimValue("exp")).isEqualTo(now.getEpochSecond() + 3600);
        }
    }

    @Test
    void outageWhenKeysAndDiscoveryDownThenStatusServedAndRecovers() throws Exception {
        try (FakeGitLabIssuer down = FakeGitLabIssuer.start(AUDIENCE)) {
            down.jwksStatus(503);
            down.discoveryStatus(503);
            HttpResponse<String> keys = HTTP.send(HttpRequest.newBuilder(URI.create(down.jwksUri())).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> discovery = HTTP.send(HttpRequest.newBuilder(
                    URI.create(down.issuer() + "/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(keys.statusCode()).isEqualTo(503);
            assertThat(discovery.statusCode()).isEqualTo(503);
            down.jwksStatus(200);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(down.jwksUri())).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(down.jwksRequestCount()).isEqualTo(2);
            assertThat(down.discoveryRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void rotateWithoutKeepingOldThenNewCiKeyAndInstanceKeyServed() throws Exception {
        try (FakeGitLabIssuer rotating = FakeGitLabIssuer.start(AUDIENCE)) {
            String old = rotating.currentKey().getKeyId();
            String fresh = rotating.rotateKey(false).getKeyId();
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(rotating.jwksUri())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(body).contains(fresh, rotating.instanceOidcKey().getKeyId()).doesNotContain(old);
        }
    }

    @Test
    void mintEndpointWhenAskedThenTokenForThatProjectAndRefVerifies() throws Exception {
        HttpResponse<String> response = get("/token?project_path=team/sub/app&ref=v3&ref_type=tag"
                + "&pipeline_source=web&environment=production");

        assertThat(response.statusCode()).isEqualTo(200);
        JwtClaims claims = verifierFromDiscovery().processToClaims(response.body().strip());
        assertThat(claims.getSubject()).isEqualTo("project_path:team/sub/app:ref_type:tag:ref:v3");
        assertThat(claims.getClaimsMap()).containsEntry("ref_path", "refs/tags/v3").containsEntry("ref_protected", "false")
                .containsEntry("pipeline_source", "web").containsEntry("environment", "production");
    }

    @Test
    void mintEndpointWhenRefTypeUnknownThen400NamingIt() throws Exception {
        HttpResponse<String> response = get("/token?ref_type=commit");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("ref_type must be branch or tag, got \"commit\"\n");
    }
}
