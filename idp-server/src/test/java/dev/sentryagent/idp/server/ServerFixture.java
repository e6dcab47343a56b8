package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.GitHubTokenBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The server every HTTP test class of this folder starts: a fake GitHub issuer and the real
 * {@link IdpServer} on a random loopback port, with the contract's settings (issuer and audience
 * {@value #IDP}, 15-minute tokens, 60 s skew, ES256) over a fresh database per class, and the
 * HTTP helpers the tests share. A class overrides {@link #database()} or {@link #config} to change
 * what it tests, and adds its own {@code @BeforeAll} for data (it runs after this one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerFixture {
    static final String IDP = "http://localhost:8080";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The admin token the tests send, in plaintext. */
    private final String admin;
    FakeOidcIssuer github;
    IdpServer server;
    Http http;
    /** The server's base URL, {@code http://127.0.0.1:<port>}. */
    String base;

    ServerFixture(String admin) {
        this.admin = admin;
    }

    /** The JDBC URL, user and password of a database for this class: by default a fresh in-memory H2. */
    protected String[] database() {
        return h2(getClass().getSimpleName());
    }

    /** The issuer standing in for GitHub; override to start it misbehaving. */
    FakeOidcIssuer startIssuer() {
        return FakeOidcIssuer.start(IDP);
    }

    /** The server's configuration: {@link #config(String[], AdminToken, String)} unless a class needs other settings. */
    ServerConfig config(String[] db, String githubIssuer) {
        return config(db, AdminToken.parse(admin), githubIssuer);
    }

    @BeforeAll
    void startServer() {
        github = startIssuer();
        server = IdpServer.start(config(database(), github.issuer()));
        base = "http://127.0.0.1:" + server.port();
        http = new Http(base);
    }

    @AfterAll
    void stopServer() {
        server.close();
        github.close();
    }

    /** A fresh in-memory H2 database whose name starts with {@code name}. */
    static String[] h2(String name) {
        return new String[] {"jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""};
    }

    /** The contract's settings on {@code db}, trusting {@code githubIssuer}, for servers a test starts itself too. */
    static ServerConfig config(String[] db, AdminToken admin, String githubIssuer) {
        return new ServerConfig(0, IDP, IDP, db[0], db[1], db[2], admin, githubIssuer, null, Duration.ofMinutes(15),
                Duration.ofSeconds(60), SigningAlgorithm.ES256, null);
    }

    /** A repository name no other test uses. */
    static String repo() {
        return "octo-org/repo-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A token of the fake GitHub for {@code repository}, on {@code main}. */
    GitHubTokenBuilder token(String repository) {
        return github.token().repository(repository);
    }

    /** Creates a trust policy as the admin; returns its id. */
    String createPolicy(Map<String, Object> body) {
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies", body, admin);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Registers an agent as the admin; returns its id. */
    String createAgent(String name) {
        Http.Response r = http.postJson("/api/v1/agents", map("name", name), admin);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("agentId").asText();
    }

    /** The access token a bootstrap exchange for {@code repository} answers (a policy must admit it). */
    String bootstrapToken(String repository) {
        Http.Response r = http.exchange(token(repository).mint(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    /** A request with any headers: name, value, name, value... */
    Http.Response send(String method, String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A form body as a client library writes it: every value URL-encoded, in the given order. */
    static String form(String... kv) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    /** The contract's error answer: status, JSON, the error code, a description starting as given. */
    static void assertError(Http.Response r, int status, String error, String descriptionPrefix) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.error()).isEqualTo(error);
        assertThat(r.description()).startsWith(descriptionPrefix);
    }

    /** The paging rules every list route shares: a limit from 1 to 500, a cursor this server issued. */
    void assertPagingRefused(String path) {
        assertError(http.get(path + "?limit=0", admin), 400, "invalid_request", "limit must be between 1 and 500, got 0");
        assertError(http.get(path + "?limit=501", admin), 400, "invalid_request",
                "limit must be between 1 and 500, got 501");
        assertError(http.get(path + "?limit=ten", admin), 400, "invalid_request",
                "limit must be a whole number between 1 and 500");
        assertError(http.get(path + "?cursor=garbage", admin), 400, "invalid_request",
                "cursor is not one this server issued");
    }

    /**
     * An access token's claims, verified with the served JWKS as a resource server would.
     *
     * @param audience the {@code aud} to expect; null accepts any
     */
    JwtClaims verifyWithServedJwks(String accessToken, String audience) throws Exception {
        Http.Response jwks = http.get("/.well-known/jwks.json", null);
        JwtConsumerBuilder consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(IDP)
                .setExpectedType(true, "at+jwt")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(jwks.body()).getJsonWebKeys()));
        if (audience == null) {
            consumer.setSkipDefaultAudienceValidation();
        } else {
            consumer.setExpectedAudience(audience);
        }
        return consumer.build().processToClaims(accessToken);
    }
}
