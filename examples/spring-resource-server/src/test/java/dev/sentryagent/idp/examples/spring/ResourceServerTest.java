package dev.sentryagent.idp.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.server.IdpServer;
import dev.sentryagent.idp.server.ServerConfig;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example against the real IdP: our server in-process on H2 in a temp directory, the testkit
 * issuer as GitHub, and the Spring app on its own port, configured only with the IdP's issuer
 * URL. Tokens come from real exchanges over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceServerTest {
    private static final String ADMIN = "example-admin-secret-0123456789-abcdefghij";
    private static final String REPOSITORY = "octo-org/deployer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path dataDir;
    private FakeOidcIssuer github;
    private IdpServer idp;
    private String issuer;
    private ConfigurableApplicationContext api;
    private String apiBase;
    private String agentId;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("spring-resource-server-test");
        // The issuer must be the URL the API discovers it at, so the port is chosen first.
        issuer = "http://127.0.0.1:" + freeLoopbackPort();
        github = FakeOidcIssuer.start(issuer);
        idp = IdpServer.start(new ServerConfig(URI.create(issuer).getPort(), issuer, issuer,
                "jdbc:h2:file:" + dataDir.resolve("idp"), "", "", AdminToken.parse(ADMIN), github.issuer(), null,
                Duration.ofMinutes(15), Duration.ofSeconds(60), SigningAlgorithm.ES256, null));

        agentId = post("/api/v1/agents", Map.of("name", "deployer"), ADMIN).json().get("agentId").asText();
        post("/api/v1/oidc/trust-policies", Map.of("repository", REPOSITORY, "agentId", agentId), ADMIN).expect(201);
        post("/api/v1/oidc/trust-policies", Map.of("repository", REPOSITORY), ADMIN).expect(201);

        api = new SpringApplicationBuilder(ResourceServerApplication.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer,
                // Only because this test's classpath also holds the IdP (H2, Flyway): the example
                // itself has no database.
                "--spring.autoconfigure.exclude="
                        + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration");
        apiBase = "http://127.0.0.1:" + ((WebServerApplicationContext) api).getWebServer().getPort();
    }

    @AfterAll
    void stop() throws IOException {
        if (api != null) {
            api.close();
        }
        if (idp != null) {
            idp.close();
        }
        if (github != null) {
            github.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void whoamiWithAgentTokenThenOkShowingAgentAndRepository() throws IOException {
        Response r = callApi("/agent/whoami", agentToken());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("agentId").asText()).isEqualTo(agentId);
        assertThat(body.get("scope").asText()).isEqualTo("agent");
        assertThat(body.get("clientId").asText()).isEqualTo("github:" + REPOSITORY);
        assertThat(body.get("repository").asText()).isEqualTo(REPOSITORY);
        assertThat(body.get("ref").asText()).isEqualTo("refs/heads/main");
    }

    @Test
    void whoamiWithBootstrapTokenThenForbiddenInsufficientScope() {
        String bootstrap = exchange(Map.of("token", github.token().repository(REPOSITORY).mint()));

        Response r = callApi("/agent/whoami", bootstrap);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_scope\"");
    }

    @Test
    void whoamiWithTamperedTokenThenUnauthorizedInvalidToken() {
        String[] parts = agentToken().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = claims.replace(agentId, UUID.randomUUID().toString());
        assertThat(forged).isNotEqualTo(claims);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        Response r = callApi("/agent/whoami", tampered);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"")
                .contains("Invalid signature");
    }

    @Test
    void whoamiWithExpiredTokenThenUnauthorizedSayingExpired() {
        // Signed with the server's own key by the library on the same store, with a clock twenty
        // minutes behind: the shortest lifetime the IdP allows (one minute) ended nineteen minutes ago.
        String expired = tokenIssuedBy(Duration.ofMinutes(-20), issuer);

        Response r = callApi("/agent/whoami", expired);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"")
                .contains("Jwt expired at");
    }

    @Test
    void whoamiWithTokenOfTypeJwtSignedByServerKeyThenUnauthorized() throws Exception {
        // The same claims and the server's own key, but typ JWT: some other kind of JWT the IdP
        // might sign one day must not pass as an access token (RFC 8725 section 3.11).
        String[] parts = agentToken().split("\\.");
        SigningKey key = idp.store().signingKeys().loadAll().get(0);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(key.algorithm());
        jws.setKeyIdHeaderValue(key.kid());
        jws.setHeader("typ", "JWT");
        jws.setKey(SigningAlgorithm.fromJwsName(key.algorithm()).decodePrivate(key.privateKey()));

        Response r = callApi("/agent/whoami", jws.getCompactSerialization());

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"")
                .contains("the given typ value needs to be one of [at+jwt, application/at+jwt]");
    }

    @Test
    void whoamiWithTokenForAnotherAudienceThenUnauthorized() {
        String elsewhere = tokenIssuedBy(Duration.ZERO, "https://other-api.example.com");

        Response r = callApi("/agent/whoami", elsewhere);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"")
                .contains("The aud claim is not valid");
    }

    @Test
    void whoamiWithoutTokenThenUnauthorized() {
        Response r = callApi("/agent/whoami", null);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void healthWithoutTokenThenOk() {
        Response r = callApi("/health", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    /** A fresh agent token from a real exchange over HTTP. */
    private String agentToken() {
        return exchange(Map.of("token", github.token().repository(REPOSITORY).mint(), "agentId", agentId));
    }

    private String exchange(Map<String, Object> request) {
        Response r = post("/api/v1/oidc/token", request, null);
        r.expect(200);
        return r.json().get("access_token").asText();
    }

    /**
     * An agent token from the library on the server's store (so signed by the server's current
     * key), issued as if {@code offset} from now, with the given {@code aud}.
     */
    private String tokenIssuedBy(Duration offset, String audience) {
        Clock clock = Clock.offset(Clock.systemUTC(), offset);
        TokenExchanger exchanger = TokenExchanger.builder()
                .issuer(issuer)
                .tokenAudience(audience)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(issuer).clock(clock).build())
                .store(idp.store())
                .tokenTtl(Duration.ofMinutes(1))
                .clock(clock)
                .build();
        String githubToken = github.token().repository(REPOSITORY).issuedAt(clock.instant()).mint();
        return exchanger.exchange(ExchangeRequest.forAgent("github", githubToken, UUID.fromString(agentId)))
                .accessToken();
    }

    private Response post(String path, Map<String, Object> body, String bearer) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            return send(request.build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Response callApi(String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase + path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("WWW-Authenticate").orElse(null),
                    response.body());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Response(int status, String wwwAuthenticate, String body) {
        String header(String name) {
            if (!name.equalsIgnoreCase("WWW-Authenticate")) {
                throw new IllegalArgumentException(name);
            }
            return wwwAuthenticate;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        Response expect(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            return this;
        }
    }
}
