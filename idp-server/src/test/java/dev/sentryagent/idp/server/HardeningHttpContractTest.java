package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static dev.sentryagent.idp.server.HttpContractTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hostile-input rules of contract v2 (issue 12) over real HTTP against the real server, one
 * test per attack: bootstrap tokens spent once, strict token form and claim ranges, display text.
 * Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HardeningHttpContractTest {
    static final String IDP = "http://localhost:8080";
    static final String ADMIN = "hardening-admin-secret-0123456789-abcdef";

    FakeOidcIssuer github;
    IdpServer server;
    Http http;

    /** The JDBC URL, user and password of a database for this class. */
    protected abstract String[] database();

    @BeforeAll
    void startServer() {
        github = FakeOidcIssuer.start(IDP);
        String[] db = database();
        server = IdpServer.start(new ServerConfig(0, IDP, IDP, db[0], db[1], db[2], AdminToken.parse(ADMIN),
                github.issuer(), null, Duration.ofMinutes(15), Duration.ofSeconds(60), SigningAlgorithm.ES256, null));
        http = new Http("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    void stopServer() {
        server.close();
        github.close();
    }

    String policyFor(String repository) {
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    String bootstrapToken(String repository) {
        Http.Response r = http.exchange(github.token().repository(repository).mint(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    static String repo() {
        return "octo-org/hard-" + UUID.randomUUID().toString().substring(0, 8);
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
}
