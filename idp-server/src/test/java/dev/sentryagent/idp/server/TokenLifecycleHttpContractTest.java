package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.javalin.TrustedProxies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The life of an issued token over real HTTP on a random loopback port: revocation, introspection,
 * metadata, signing keys and audit events (contract sections 3 and 5). Subclasses choose the
 * database. The server trusts 127.0.0.1 as a proxy, so the tests can name clients by
 * {@code X-Forwarded-For}.
 */
public abstract class TokenLifecycleHttpContractTest extends ServerFixture {
    static final String ADMIN = "lifecycle-admin-secret-0123456789-abcdef";
    static final String INTROSPECTION = "lifecycle-introspection-secret-0123456789";

    TokenLifecycleHttpContractTest() {
        super(ADMIN);
    }

    @Override
    ServerConfig config(String[] db, String githubIssuer) {
        return new ServerConfig(0, IDP, IDP, db[0], db[1], db[2], AdminToken.parse(ADMIN),
                githubIssuer, null, Duration.ofMinutes(15), Duration.ofSeconds(60), SigningAlgorithm.ES256, null,
                ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_REQUEST_TIMEOUT, AdminToken.parse(INTROSPECTION),
                Duration.ofDays(30), TrustedProxies.parse("127.0.0.1, ::1"));
    }

    String createPolicy(String repository, String agentId) {
        return createPolicy(agentId == null ? map("repository", repository)
                : map("repository", repository, "agentId", agentId));
    }

    Http.Response revoke(String token, String... headers) {
        return send("POST", "/api/v1/oidc/revoke", "application/x-www-form-urlencoded", form("token", token), headers);
    }

    Http.Response introspect(String token, String bearer) {
        return send("POST", "/api/v1/oidc/introspect", "application/x-www-form-urlencoded", form("token", token),
                "Authorization", "Bearer " + bearer);
    }

    static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- revocation and introspection

    @Test
    void introspectWhenActiveBootstrapTokenThenEveryContractField() throws Exception {
        String repository = repo();
        String policy = createPolicy(repository, null);
        String token = bootstrapToken(repository);
        Http.Response r = introspect(token, INTROSPECTION);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = r.json();
        assertThat(body.get("active").asBoolean()).isTrue();
        assertThat(body.get("scope").asText()).isEqualTo("agents:write");
        assertThat(body.get("client_id").asText()).isEqualTo("github:" + repository);
        assertThat(body.get("aud").asText()).isEqualTo(IDP);
        assertThat(body.get("iss").asText()).isEqualTo(IDP);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("policy_id").asText()).isEqualTo(policy);
        assertThat(body.has("agent_id")).isFalse();
        long now = Instant.now().getEpochSecond();
        assertThat(body.get("iat").asLong()).isBetween(now - 60, now + 5);
        assertThat(body.get("exp").asLong()).isEqualTo(body.get("iat").asLong() + 900);
        assertThat(body.get("jti").asText()).isEqualTo(Http.MAPPER.readTree(java.util.Base64.getUrlDecoder()
                .decode(token.split("\\.")[1])).get("jti").asText());
        assertThat(body.get("sub").isTextual()).isTrue();
    }

    @Test
    void introspectWhenAgentTokenThenAgentIdAndAdminTokenMayIntrospectToo() {
        String repository = repo();
        String agent = createAgent("introspected");
        createPolicy(repository, agent);
        String token = http.exchange(token(repository).mint(), agent).json().get("access_token").asText();
        JsonNode body = introspect(token, ADMIN).json();
        assertThat(body.get("active").asBoolean()).isTrue();
        assertThat(body.get("scope").asText()).isEqualTo("agent");
        assertThat(body.get("sub").asText()).isEqualTo(agent);
        assertThat(body.get("agent_id").asText()).isEqualTo(agent);
    }

    @Test
    void revokeThenIntrospectionInactiveAndAgentRegistrationRefused() {
        String repository = repo();
        createPolicy(repository, null);
        String token = bootstrapToken(repository);

        Http.Response r = revoke(token);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(introspect(token, INTROSPECTION).body()).isEqualTo("{\"active\":false}");
        assertError(http.postJson("/api/v1/agents", map("name", "too-late"), token), 401, "invalid_token",
                "The access token has been revoked");
    }

    @Test
    void revokeWithAdminBearerThenRevokedToo() {
        String repository = repo();
        createPolicy(repository, null);
        String token = bootstrapToken(repository);
        assertThat(revoke(token, "Authorization", "Bearer " + ADMIN).status()).isEqualTo(200);
        assertThat(introspect(token, INTROSPECTION).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void revokeWhenTokenUnknownGarbageOrForeignThen200EmptyBody() {
        for (String token : List.of("garbage", "a.b.c", github.token().mint(), "x".repeat(20_000))) {
            Http.Response r = revoke(token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
        }
        Http.Response hinted = send("POST", "/api/v1/oidc/revoke", "application/x-www-form-urlencoded",
                form("token", "garbage", "token_type_hint", "refresh_token", "client_id", "ignored"));
        assertThat(hinted.status()).isEqualTo(200);
    }

    @Test
    void revokeOrIntrospectWhenRequestMalformedThenInvalidRequest() {
        assertError(send("POST", "/api/v1/oidc/revoke", "application/x-www-form-urlencoded", "token_type_hint=x"), 400,
                "invalid_request", "token is required");
        assertError(send("POST", "/api/v1/oidc/revoke", "application/json", "{\"token\":\"x\"}"), 415,
                "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        assertError(send("POST", "/api/v1/oidc/revoke", "application/x-www-form-urlencoded", "token=a&token=b"), 400,
                "invalid_request", "parameter token is given more than once");
        assertError(send("POST", "/api/v1/oidc/introspect", "application/x-www-form-urlencoded", "",
                "Authorization", "Bearer " + INTROSPECTION), 400, "invalid_request", "token is required");
    }

    @Test
    void introspectWithoutOrWithWrongBearerThenUnauthorized() {
        String repository = repo();
        createPolicy(repository, null);
        String token = bootstrapToken(repository);
        Http.Response none = send("POST", "/api/v1/oidc/introspect", "application/x-www-form-urlencoded",
                form("token", token));
        assertError(none, 401, "invalid_token", "Missing bearer token");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertError(introspect(token, token), 401, "invalid_token",
                "The bearer token is neither the introspection token nor the admin token");
        assertThat(introspect(token, token).body()).doesNotContain(token);
    }

    @Test
    void introspectionSecretRefusedOnEveryAdminRoute() {
        for (String[] route : new String[][] {{"GET", "/api/v1/agents"}, {"GET", "/api/v1/oidc/trust-policies"},
                {"GET", "/api/v1/keys"}, {"POST", "/api/v1/keys/rotate"}, {"GET", "/api/v1/audit-events"}}) {
            assertError(send(route[0], route[1], null, null, "Authorization", "Bearer " + INTROSPECTION), 401,
                    "invalid_token", "The bearer token is not the admin token");
        }
        assertError(http.postJson("/api/v1/oidc/trust-policies", map("repository", repo()), INTROSPECTION), 401,
                "invalid_token", "The bearer token is not the admin token");
        assertError(http.postJson("/api/v1/agents", map("name", "x"), INTROSPECTION), 401, "invalid_token",
                "The access token was not issued by this IdP or is malformed");
    }

    @Test
    void introspectWhenAgentOrPolicyDeletedThenInactive() {
        String repository = repo();
        String agent = createAgent("doomed");
        createPolicy(repository, agent);
        String agentToken = http.exchange(token(repository).mint(), agent).json().get("access_token").asText();
        String otherRepository = repo();
        String policy = createPolicy(otherRepository, null);
        String bootstrap = bootstrapToken(otherRepository);
        assertThat(introspect(agentToken, INTROSPECTION).json().get("active").asBoolean()).isTrue();
        assertThat(introspect(bootstrap, INTROSPECTION).json().get("active").asBoolean()).isTrue();

        assertThat(http.delete("/api/v1/agents/" + agent, ADMIN).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/oidc/trust-policies/" + policy, ADMIN).status()).isEqualTo(204);

        assertThat(introspect(agentToken, INTROSPECTION).body()).isEqualTo("{\"active\":false}");
        assertThat(introspect(bootstrap, INTROSPECTION).body()).isEqualTo("{\"active\":false}");
        assertError(http.postJson("/api/v1/agents", map("name", "orphan"), bootstrap), 401, "invalid_token",
                "The bootstrap token's trust policy has been deleted: exchange a new OIDC token");
    }

    @Test
    void introspectWhenMalformedForeignOrExpiredThenInactive() throws Exception {
        for (String token : List.of("garbage", github.token().mint(), "a.b.c")) {
            assertThat(introspect(token, INTROSPECTION).body()).isEqualTo("{\"active\":false}");
        }
    }

    // ---- metadata

    @Test
    void bothMetadataDocumentsNameRevocationAndIntrospectionEndpoints() {
        JsonNode oauth = http.get("/.well-known/oauth-authorization-server", null).json();
        JsonNode oidc = http.get("/.well-known/openid-configuration", null).json();
        for (JsonNode doc : List.of(oauth, oidc)) {
            assertThat(doc.get("issuer").asText()).isEqualTo(IDP);
            assertThat(doc.get("token_endpoint").asText()).isEqualTo(IDP + "/api/v1/oidc/token");
            assertThat(doc.get("jwks_uri").asText()).isEqualTo(IDP + "/.well-known/jwks.json");
            assertThat(doc.get("revocation_endpoint").asText()).isEqualTo(IDP + "/api/v1/oidc/revoke");
            assertThat(doc.get("introspection_endpoint").asText()).isEqualTo(IDP + "/api/v1/oidc/introspect");
            assertThat(doc.get("grant_types_supported").toString())
                    .isEqualTo("[\"urn:ietf:params:oauth:grant-type:token-exchange\"]");
            assertThat(doc.get("token_endpoint_auth_methods_supported").toString()).isEqualTo("[\"none\"]");
        }
        assertThat(oauth).isEqualTo(oidc);
    }

    // ---- signing keys

    static String kid(String token) throws Exception {
        return JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue();
    }

    static void verify(JsonWebKeySet jwks, String token) throws Exception {
        new JwtConsumerBuilder().setExpectedIssuer(IDP).setExpectedAudience(IDP).setExpectedType(true, "at+jwt")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys())).build()
                .processToClaims(token);
    }

    @Test
    void rotateThenNewKeySignsAtOnceAndOldTokensStillVerify() throws Exception {
        String repository = repo();
        createPolicy(repository, null);
        String before = bootstrapToken(repository);

        Http.Response rotated = http.postJson("/api/v1/keys/rotate", "{}", ADMIN);

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        String newKid = rotated.json().get("kid").asText();
        assertThat(rotated.json().get("algorithm").asText()).isEqualTo("ES256");
        assertThat(Instant.parse(rotated.json().get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));
        String after = bootstrapToken(repository);
        assertThat(kid(after)).isEqualTo(newKid);
        assertThat(kid(before)).isNotEqualTo(newKid);
        verifyWithServedJwks(before, IDP);
        verifyWithServedJwks(after, IDP);
        JsonNode keys = http.get("/api/v1/keys", ADMIN).json().get("items");
        assertThat(keys.get(0).get("kid").asText()).isEqualTo(newKid);
        assertThat(keys.get(0).get("status").asText()).isEqualTo("active");
        assertThat(keys.findValuesAsText("kid")).contains(kid(before));
        for (int i = 1; i < keys.size(); i++) {
            assertThat(keys.get(i).get("status").asText()).isEqualTo("published");
        }
        assertThat(http.postJson("/api/v1/agents", map("name", "signed-by-old-key"), before).status()).isEqualTo(201);
        assertThat(http.get("/api/v1/keys?x=1", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void rotationWhileExchangesInFlightThenNoRequestFailsAndEveryTokenVerifies() throws Exception {
        String repository = repo();
        createPolicy(repository, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Http.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String oidc = token(repository).mint();
                calls.add(() -> http.exchange(oidc, null));
            }
            List<Future<Http.Response>> inFlight = new ArrayList<>();
            for (Callable<Http.Response> call : calls) {
                inFlight.add(pool.submit(call));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(http.postJson("/api/v1/keys/rotate", "{}", ADMIN).status()).isEqualTo(201);
            }
            Set<String> kids = new HashSet<>();
            List<String> tokens = new ArrayList<>();
            for (Future<Http.Response> f : inFlight) {
                Http.Response r = f.get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                String token = r.json().get("access_token").asText();
                kids.add(kid(token));
                tokens.add(token);
            }
            JsonWebKeySet jwks = new JsonWebKeySet(http.get("/.well-known/jwks.json", null).body());
            for (String token : tokens) {
                verify(jwks, token);
                assertThat(introspect(token, INTROSPECTION).json().get("active").asBoolean()).isTrue();
            }
            assertThat(kids).isNotEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- audit

    List<JsonNode> events(String query) {
        Http.Response r = http.get("/api/v1/audit-events" + query, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    @Test
    void exchangesAllowedAndDeniedThenEventsWithTokenHashRunAndClient() throws Exception {
        String repository = repo();
        String agent = createAgent("audited");
        createPolicy(repository, agent);
        String allowedToken = token(repository).claim("run_id", "777001").mint();
        String deniedToken = token(repository).claim("run_id", "777002").eventName("pull_request_target").mint();
        Instant since = Instant.now().minusSeconds(1);
        String body = "{\"token\":\"" + allowedToken + "\",\"agentId\":\"" + agent + "\"}";
        Http.Response allowed = send("POST", "/api/v1/oidc/token", "application/json", body,
                "User-Agent", "audit-test/1.0", "X-Forwarded-For", "203.0.113.9, 127.0.0.1");
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        Http.Response denied = send("POST", "/api/v1/oidc/token", "application/json",
                "{\"token\":\"" + deniedToken + "\",\"agentId\":\"" + agent + "\"}", "User-Agent", "audit-test/1.0");
        assertThat(denied.status()).isEqualTo(403);

        // "Who got a token for agent X since yesterday, from which run?"
        List<JsonNode> forAgent = events("?type=token.exchange&agentId=" + agent + "&since=" + since);
        assertThat(forAgent).hasSize(2);
        JsonNode deny = forAgent.get(0);
        JsonNode allow = forAgent.get(1);
        assertThat(allow.get("outcome").asText()).isEqualTo("allow");
        assertThat(allow.get("repository").asText()).isEqualTo(repository);
        assertThat(allow.get("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(allow.get("runId").asText()).isEqualTo("777001");
        assertThat(allow.get("agentId").asText()).isEqualTo(agent);
        assertThat(allow.get("policyId").asText()).matches("[0-9a-f-]{36}");
        assertThat(allow.get("subjectTokenSha256").asText()).isEqualTo(sha256(allowedToken));
        assertThat(allow.get("tokenJti").asText()).isEqualTo(introspect(allowed.json().get("access_token").asText(),
                INTROSPECTION).json().get("jti").asText());
        assertThat(allow.get("clientIp").asText()).isEqualTo("203.0.113.9");
        assertThat(allow.get("userAgent").asText()).isEqualTo("audit-test/1.0");
        assertThat(allow.get("error").isNull()).isTrue();
        assertThat(deny.get("outcome").asText()).isEqualTo("deny");
        assertThat(deny.get("runId").asText()).isEqualTo("777002");
        assertThat(deny.get("error").asText()).isEqualTo("access_denied");
        assertThat(deny.get("errorDescription").asText())
                .isEqualTo("Trust policy violation: runs triggered by pull_request_target are refused (repository "
                        + repository + "): they run with the base repository's identity on behalf of a fork's code");
        assertThat(deny.get("subjectTokenSha256").asText()).isEqualTo(sha256(deniedToken));
        assertThat(deny.get("clientIp").asText()).isEqualTo("127.0.0.1");
        assertThat(deny.get("tokenJti").isNull()).isTrue();
        assertThat(deny.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        Http.Response all = http.get("/api/v1/audit-events?limit=500", ADMIN);
        assertThat(all.body()).doesNotContain(allowedToken).doesNotContain(deniedToken);
    }

    /** The token.exchange events whose subjectTokenSha256 is that of {@code token}. */
    List<JsonNode> exchangeEventsOf(String token) throws Exception {
        List<JsonNode> byHash = new ArrayList<>();
        for (JsonNode e : events("?type=token.exchange&limit=500")) {
            if (e.get("subjectTokenSha256").asText().equals(sha256(token))) {
                byHash.add(e);
            }
        }
        return byHash;
    }

    @Test
    void exchangeWhenTokenInvalidThenDenyEventWithHashAndReason() throws Exception {
        String repository = repo();
        String expired = token(repository).expired().mint();
        assertThat(http.exchange(expired, null).status()).isEqualTo(401);
        List<JsonNode> byHash = exchangeEventsOf(expired);
        assertThat(byHash).hasSize(1);
        assertThat(byHash.get(0).get("outcome").asText()).isEqualTo("deny");
        assertThat(byHash.get(0).get("error").asText()).isEqualTo("invalid_token");
        assertThat(byHash.get(0).get("errorDescription").asText()).startsWith("The OIDC token expired at ");
        assertThat(byHash.get(0).get("provider").asText()).isEqualTo("github");
    }

    @Test
    void exchangeWhenScopeIsNotTheModesThenDenyEventAndTokenNotSpent() throws Exception {
        String repository = repo();
        createPolicy(repository, null);
        String token = token(repository).mint();
        Http.Response refused = send("POST", "/api/v1/oidc/token", "application/json",
                "{\"token\":\"" + token + "\",\"scope\":\"agent\"}", "User-Agent", "audit-test/1.0");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        List<JsonNode> byHash = exchangeEventsOf(token);
        assertThat(byHash).hasSize(1);
        assertThat(byHash.get(0).get("outcome").asText()).isEqualTo("deny");
        assertThat(byHash.get(0).get("error").asText()).isEqualTo("invalid_scope");
        assertThat(byHash.get(0).get("errorDescription").asText())
                .isEqualTo("scope \"agent\" cannot be granted: a bootstrap exchange (no agent id) issues scope agents:write");
        // Refused before the replay guard: the same token still exchanges.
        assertThat(http.exchange(token, null).status()).isEqualTo(200);
    }

    @Test
    void adminChangesRevocationsAndRotationsThenEvents() {
        String repository = repo();
        String agent = createAgent("changes");
        String policy = createPolicy(repository, null);
        String token = bootstrapToken(repository);
        assertThat(revoke(token).status()).isEqualTo(200);
        String kid = http.postJson("/api/v1/keys/rotate", "{}", ADMIN).json().get("kid").asText();
        assertThat(http.delete("/api/v1/oidc/trust-policies/" + policy, ADMIN).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/agents/" + agent, ADMIN).status()).isEqualTo(204);

        JsonNode create = events("?type=policy.create&repository=" + repository).get(0);
        assertThat(create.get("policyId").asText()).isEqualTo(policy);
        assertThat(create.get("outcome").asText()).isEqualTo("ok");
        assertThat(events("?type=policy.delete&repository=" + repository).get(0).get("policyId").asText())
                .isEqualTo(policy);
        assertThat(events("?type=agent.create&agentId=" + agent)).hasSize(1);
        assertThat(events("?type=agent.delete&agentId=" + agent)).hasSize(1);
        JsonNode revoked = events("?type=token.revoke&repository=" + repository).get(0);
        assertThat(revoked.get("policyId").asText()).isEqualTo(policy);
        assertThat(revoked.get("tokenJti").asText()).isNotBlank();
        assertThat(events("?type=key.rotate&limit=500").stream().map(e -> e.get("kid").asText())).contains(kid);
    }

    @Test
    void auditPagingWithCursorNewestFirstWithoutRepeats() {
        String repository = repo();
        createPolicy(repository, null);
        for (int i = 0; i < 5; i++) {
            bootstrapToken(repository);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        String previousTime = null;
        do {
            Http.Response r = http.get("/api/v1/audit-events?type=token.exchange&limit=2&repository=" + repository
                    + (cursor == null ? "" : "&cursor=" + cursor), ADMIN);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode e : r.json().get("items")) {
                seen.add(e.get("id").asText());
                if (previousTime != null) {
                    assertThat(Instant.parse(e.get("time").asText())).isBeforeOrEqualTo(Instant.parse(previousTime));
                }
                previousTime = e.get("time").asText();
            }
            cursor = r.json().get("nextCursor").isNull() ? null : r.json().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void auditWhenFilterBadThenInvalidRequest() {
        assertError(http.get("/api/v1/audit-events?type=token.steal", ADMIN), 400, "invalid_request",
                "type must be one of agent.create, agent.delete, key.rotate, policy.create, policy.delete, "
                        + "token.exchange, token.revoke, got \"token.steal\"");
        assertError(http.get("/api/v1/audit-events?since=yesterday", ADMIN), 400, "invalid_request",
                "since must be an ISO 8601 UTC time such as 2026-11-27T18:00:00Z");
        assertError(http.get("/api/v1/audit-events?agentId=x", ADMIN), 400, "invalid_request", "agentId must be a UUID");
        assertPagingRefused("/api/v1/audit-events");
        assertError(http.get("/api/v1/audit-events?actor=x", ADMIN), 400, "invalid_request",
                "unknown query parameter \"actor\"; allowed: type, repository, agentId, since, limit, cursor");
        assertError(http.get("/api/v1/audit-events?type=key.rotate&type=token.revoke", ADMIN), 400, "invalid_request",
                "query parameter type is given more than once");
    }

    @Test
    void everyEventIsOneJsonLineOnTheAuditLogger() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(AuditTrail.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the tests' root level is WARN
        try {
            String repository = repo();
            createPolicy(repository, null);
            String oidc = token(repository).mint();
            assertThat(http.exchange(oidc, null).status()).isEqualTo(200);
            List<String> exchangeLines = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains(sha256Unchecked(oidc))).toList();
            assertThat(exchangeLines).hasSize(1);
            JsonNode line = Http.MAPPER.readTree(exchangeLines.get(0));
            assertThat(line.get("type").asText()).isEqualTo("token.exchange");
            assertThat(line.get("outcome").asText()).isEqualTo("allow");
            assertThat(line.get("repository").asText()).isEqualTo(repository);
            assertThat(exchangeLines.get(0)).doesNotContain("\n").doesNotContain(oidc);
            assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains("\"policy.create\"") && l.contains(repository))).hasSize(1);
        } finally {
            logger.setLevel(level);
            logger.detachAppender(lines);
        }
    }

    private static String sha256Unchecked(String s) {
        try {
            return sha256(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
