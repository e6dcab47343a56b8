package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input rules of contract v2 (issue 12) over real HTTP against the real server, one
 * test per attack: bootstrap tokens spent once, strict token form and claim ranges, display text.
 * Subclasses choose the database.
 */
public abstract class HardeningHttpContractTest extends ServerFixture {
    static final String ADMIN = "hardening-admin-secret-0123456789-abcdef";

    HardeningHttpContractTest() {
        super(ADMIN);
    }

    String policyFor(String repository) {
        return createPolicy(map("repository", repository));
    }

    // ---- bootstrap tokens are single use

    @Test
    void bootstrapTokenWhenUsedTwiceThenSecondIs401AlreadyUsed() {
        String repository = repo();
        policyFor(repository);
        String bootstrap = bootstrapToken(repository);

        assertThat(http.postJson("/api/v1/agents", map("name", "first"), bootstrap).status()).isEqualTo(201);
        Http.Response again = http.postJson("/api/v1/agents", map("name", "second"), bootstrap);

        assertError(again, 401, "invalid_token",
                "The bootstrap token was already used: each bootstrap token registers one agent");
        assertThat(again.body()).doesNotContain(bootstrap);
    }

    @Test
    void bootstrapTokenWhenUsedConcurrentlyThenExactlyOneAgentRegistered() throws Exception {
        String repository = repo();
        policyFor(repository);
        String bootstrap = bootstrapToken(repository);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> uses = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String name = "agent-" + i;
                uses.add(() -> http.postJson("/api/v1/agents", map("name", name), bootstrap).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(uses)) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(23);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bootstrapTokenWhenPolicyDeletedThen401() {
        String repository = repo();
        String policy = policyFor(repository);
        String bootstrap = bootstrapToken(repository);
        assertThat(http.delete("/api/v1/oidc/trust-policies/" + policy, ADMIN).status()).isEqualTo(204);

        assertError(http.postJson("/api/v1/agents", map("name", "orphan"), bootstrap), 401, "invalid_token",
                "The bootstrap token's trust policy has been deleted: exchange a new OIDC token");
    }

    @Test
    void bootstrapTokenWhenNameRefusedThenNotSpent() {
        String repository = repo();
        policyFor(repository);
        String bootstrap = bootstrapToken(repository);

        assertThat(http.postJson("/api/v1/agents", map("name", "bad\u202Ename"), bootstrap).status()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/agents", map("name", "good name"), bootstrap).status()).isEqualTo(201);
    }

    // ---- strict token form and claim ranges

    @Test
    void exchangeWhenSignatureHasBase64PaddingThen401Malformed() {
        String repository = repo();
        policyFor(repository);
        assertError(http.exchange(github.token().repository(repository).forgePaddedSignature(), null), 401,
                "invalid_token", "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
    }

    @Test
    void exchangeWhenClaimsAreNotValidUtf8Then401() {
        String repository = repo();
        policyFor(repository);
        assertError(http.exchange(github.token().repository(repository).forgeInvalidUtf8Claims(), null), 401,
                "invalid_token", "The OIDC token's claims are not base64url UTF-8");
    }

    @Test
    void exchangeWhenExpIsBeyondYear9999Then401NotServerError() {
        String repository = repo();
        policyFor(repository);
        assertError(http.exchange(github.token().repository(repository).claim("exp", 9e15).mint(), null), 401,
                "invalid_token", "The OIDC token's \"exp\" claim is out of range (0 to the year 9999)");
    }

    @Test
    void exchangeWhenJtiIs600CharactersThen401AndNoSqlStateInTheBody() {
        String repository = repo();
        policyFor(repository);
        Http.Response r = http.exchange(github.token().repository(repository).jti("j".repeat(600)).mint(), null);
        assertError(r, 401, "invalid_token", "The OIDC token's \"jti\" claim is longer than 256 characters");
        assertThat(r.body()).doesNotContainIgnoringCase("sqlstate");
    }

    // ---- display text

    @Test
    void agentWhenNameHasBidiOverrideOrLineSeparatorThen400() {
        assertError(http.postJson("/api/v1/agents", map("name", "invoice\u202Efdp.exe"), ADMIN), 400,
                "invalid_request", "name must not contain control, format or separator characters, got U+202E at index 7");
        assertError(http.postJson("/api/v1/agents", map("name", "line\u2028break"), ADMIN), 400,
                "invalid_request", "name must not contain control, format or separator characters, got U+2028 at index 4");
        assertError(http.postJson("/api/v1/agents", map("name", "ok", "description", "zero\u200Bwidth"), ADMIN), 400,
                "invalid_request",
                "description must not contain control, format or separator characters, got U+200B at index 4");
    }

    // ---- admin credentials before any body (contract v2, section 2)

    /** Sends the head of a request declaring {@code contentLength} bytes and {@code bodyStart} of them; the answer's head. */
    String rawHead(String method, String path, String bearer, long contentLength, String bodyStart) throws Exception {
        try (java.net.Socket socket = SlowClients.open(server.port(), Duration.ofSeconds(5))) {
            SlowClients.send(socket, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + "Content-Length: " + contentLength + "\r\n\r\n" + bodyStart);
            // Only the head: the server may keep the connection open for the rest of the body.
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (head.indexOf("\r\n\r\n") < 0 && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            return head.toString().trim();
        }
    }

    @Test
    void adminPostWhenNoBearerAndBodyIsNotJsonThen401() {
        Http.Response r = http.send("POST", "/api/v1/oidc/trust-policies", "application/json", "{not json", null);
        assertError(r, 401, "invalid_token", "Missing bearer token: send Authorization: Bearer <token>");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
        Http.Response wrong = http.send("POST", "/api/v1/oidc/trust-policies/evaluate", "application/json", "{}{", "x");
        assertError(wrong, 401, "invalid_token", "The bearer token is not the admin token");
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void adminPostWhenNoOrWrongBearerAndDeclaredBodyIsHugeThen401AtOnceWithoutReadingIt() throws Exception {
        for (String path : List.of("/api/v1/oidc/trust-policies", "/api/v1/oidc/trust-policies/evaluate")) {
            for (String bearer : java.util.Arrays.asList(null, "not-the-admin-token")) {
                long start = System.nanoTime();
                String head = rawHead("POST", path, bearer, 100L * 1024 * 1024, "{");
                assertThat(head).as(path + " bearer " + bearer).startsWith("HTTP/1.1 401 ");
                assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("www-authenticate: bearer");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            }
        }
    }

    @Test
    void adminRequestWhenWrongBearerAndBodyTricklesThen401AtOnceNot408() throws Exception {
        for (String method : List.of("POST", "DELETE", "GET")) {
            long start = System.nanoTime();
            String path = method.equals("POST") ? "/api/v1/oidc/trust-policies"
                    : "/api/v1/oidc/trust-policies/" + UUID.randomUUID();
            assertThat(rawHead(method, path, "wrong", 100, "{")).as(method).startsWith("HTTP/1.1 401 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(method).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void agentRegistrationWhenNoBearerAndDeclaredBodyIsHugeThen401AtOnce() throws Exception {
        String head = rawHead("POST", "/api/v1/agents", null, 100L * 1024 * 1024, "{\"name\":");
        assertThat(head).startsWith("HTTP/1.1 401 ");
        assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("www-authenticate: bearer");
        assertError(http.send("POST", "/api/v1/agents", "application/json", "{\"name\": x}", null), 401,
                "invalid_token", "Missing bearer token: send Authorization: Bearer <token>");
    }

    // ---- method overrides and HEAD (contract v2, sections 2 and 6)

    @Test
    void getWhenMethodOverrideHeadersSayDeleteThenPolicyIsNotDeleted() {
        String id = policyFor(repo());
        String path = "/api/v1/oidc/trust-policies/" + id;
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            Http.Response r = http.sendWithHeader("GET", path, header, "DELETE", ADMIN);
            assertThat(r.status()).as(header + " " + r.body()).isEqualTo(200);
            assertThat(r.json().get("id").asText()).isEqualTo(id);
        }
        assertThat(http.get(path + "?_method=DELETE", ADMIN).status()).isEqualTo(200);
        assertThat(http.send("POST", path, "application/x-www-form-urlencoded", "_method=DELETE", ADMIN).status())
                .isEqualTo(405);
        assertThat(http.get(path, ADMIN).status()).as("the policy is still there").isEqualTo(200);
    }

    @Test
    void postWhenMethodOverrideSaysDeleteThenItIsStillAPost() {
        String id = policyFor(repo());
        Http.Response r = http.sendWithHeader("POST", "/api/v1/oidc/trust-policies/" + id, "X-HTTP-Method-Override",
                "DELETE", ADMIN);
        assertError(r, 405, "method_not_allowed", "Method POST is not allowed on /api/v1/oidc/trust-policies/" + id);
        assertThat(http.get("/api/v1/oidc/trust-policies/" + id, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void headOnAdminRoutesWithoutCredentialsThen401() {
        String id = policyFor(repo());
        for (String path : List.of("/api/v1/oidc/trust-policies", "/api/v1/oidc/trust-policies/" + id,
                "/api/v1/agents", "/api/v1/agents/" + UUID.randomUUID())) {
            Http.Response none = http.send("HEAD", path, null, null, null);
            assertThat(none.status()).as("HEAD " + path).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).as("HEAD " + path).isEqualTo("Bearer");
            assertThat(none.body()).isEmpty();
            assertThat(http.send("HEAD", path, null, null, "wrong").status()).as("HEAD " + path).isEqualTo(401);
        }
        assertThat(http.send("HEAD", "/api/v1/oidc/trust-policies/" + id, null, null, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void headOnPublicRoutesThenLikeGetWithoutBody() {
        for (String path : List.of("/health", "/.well-known/jwks.json", "/.well-known/openid-configuration",
                "/api/v1/openapi.json")) {
            Http.Response get = http.get(path, null);
            Http.Response head = http.send("HEAD", path, null, null, null);
            assertThat(head.status()).as("HEAD " + path).isEqualTo(get.status()).isEqualTo(200);
            assertThat(head.header("Content-Type")).as("HEAD " + path).isEqualTo(get.header("Content-Type"));
            assertThat(head.body()).as("HEAD " + path).isEmpty();
        }
    }

    // ---- one JSON value per body (contract v2, section 6)

    @Test
    void jsonBodyWhenContentFollowsTheValueThen400() {
        String body = "{\"repository\":\"" + repo() + "\"}";
        assertError(http.postJson("/api/v1/oidc/trust-policies", body + " x", ADMIN), 400, "invalid_request",
                "request body has content after its JSON value, at line 1, column ");
        assertError(http.postJson("/api/v1/oidc/trust-policies", body + "{}", ADMIN), 400, "invalid_request",
                "request body has content after its JSON value, at line 1, column ");
        assertError(http.postJson("/api/v1/agents", "{\"name\":\"a\"}[]", ADMIN), 400, "invalid_request",
                "request body has content after its JSON value, at line 1, column 13");
        assertError(http.postJson("/api/v1/oidc/token", "{}{}", null), 400, "invalid_request",
                "request body has content after its JSON value, at line 1, column 3");
        assertThat(http.postJson("/api/v1/oidc/trust-policies", body + " \n\t ", ADMIN).status())
                .as("trailing whitespace is fine").isEqualTo(201);
    }
}
