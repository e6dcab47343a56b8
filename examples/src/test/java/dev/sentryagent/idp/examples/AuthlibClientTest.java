package dev.sentryagent.idp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * {@code examples/python-client/authlib_client.py}, a CI job's side written with Authlib's OAuth 2.0
 * client and PyJWT, run against the real server on a random loopback port: discovery, the RFC 8693
 * exchange as Authlib sends it (with {@code client_id}), verification from the published keys,
 * introspection, revocation, and the refused second exchange. The packages come from the configured
 * package index into a venv under {@code target/}; without python3, venv or an index the Python
 * tests skip (see {@link PythonVenv}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthlibClientTest {
    static final Path CLIENT = Path.of("python-client");
    static final Path SCRIPT = CLIENT.resolve("authlib_client.py");
    static final Path VENV = Path.of("target", "python-client-venv");
    static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    static final String ADMIN = "authlib-admin-secret-0123456789-abcdefgh";
    static final String INTROSPECTION = "authlib-introspection-secret-0123456789";
    static final String API = "https://deploy.example.com";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static PythonVenv venv;
    private static RuntimeException venvUnavailable;

    FakeOidcIssuer github;
    IdpServer server;
    String issuer;

    @BeforeAll
    void startServer() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        issuer = "http://127.0.0.1:" + port;
        github = FakeOidcIssuer.start(issuer);
        // Configured as an operator would configure the server, through its environment variables.
        server = IdpServer.start(ServerConfig.fromEnvironment(Map.of(
                "IDP_HOST", "127.0.0.1",
                "IDP_PORT", Integer.toString(port),
                "IDP_ISSUER", issuer,
                "IDP_DB_URL", "jdbc:h2:mem:authlib-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "IDP_ADMIN_TOKEN", ADMIN,
                "IDP_INTROSPECTION_TOKEN", INTROSPECTION,
                "IDP_GITHUB_ISSUER", github.issuer())));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
        if (github != null) {
            github.close();
        }
    }

    @Test
    void agentTokenThroughAuthlibThenPyJwtVerifiesItIntrospectionSeesItsRevocationAndASecondExchangeIsRefused()
            throws Exception {
        PythonVenv python = venv();
        String repository = "octo-org/authlib-" + UUID.randomUUID().toString().substring(0, 8);
        String agent = admin("/api/v1/agents", Map.of("name", "authlib-deployer")).get("agentId").asText();
        String policy = admin("/api/v1/oidc/trust-policies", Map.of("repository", repository, "branch", "main",
                "agentId", agent, "audiences", List.of(API), "tokenTtl", "PT5M")).get("id").asText();

        JsonNode out = runClient(python, Map.of("OIDC_TOKEN", github.token().repository(repository).mint(),
                "AGENT_ID", agent, "AUDIENCE", API));

        assertThat(out.get("metadata")).isEqualTo(JSON.readTree("{\"issuer\": \"" + issuer + "\", "
                + "\"token_endpoint\": \"" + issuer + "/api/v1/oidc/token\", "
                + "\"revocation_endpoint\": \"" + issuer + "/api/v1/oidc/revoke\", "
                + "\"introspection_endpoint\": \"" + issuer + "/api/v1/oidc/introspect\", "
                + "\"jwks_uri\": \"" + issuer + "/.well-known/jwks.json\", "
                + "\"token_endpoint_auth_methods_supported\": [\"none\"]}"));
        assertThat(texts(out.get("sent"))).as("what Authlib put in the form, client_id included")
                .containsExactly("agent_id", "audience", "client_id", "grant_type", "subject_token",
                        "subject_token_type");
        JsonNode token = out.get("token");
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asInt()).as("the policy's tokenTtl").isEqualTo(300);
        assertThat(token.get("scope").asText()).isEqualTo("agent");
        assertThat(token.get("agent_id").asText()).isEqualTo(agent);
        assertThat(token.get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");

        assertThat(out.get("verifyFailure").isNull()).as(out.get("verifyFailure").toString()).isTrue();
        assertThat(out.get("verified")).isEqualTo(JSON.readTree("{\"iss\": \"" + issuer + "\", \"sub\": \"" + agent
                + "\", \"aud\": \"" + API + "\", \"scope\": \"agent\", \"client_id\": \"github:" + repository + "\"}"));
        assertThat(out.get("typ").asText()).isEqualTo("at+jwt");
        assertThat(out.get("tampered")).isEqualTo(JSON.readTree(
                "{\"raised\": \"InvalidSignatureError\", \"message\": \"Signature verification failed\"}"));
        assertThat(out.get("otherAudience")).isEqualTo(JSON.readTree(
                "{\"raised\": \"InvalidAudienceError\", \"message\": \"Audience doesn't match\"}"));

        JsonNode before = out.get("introspectedBefore");
        assertThat(before.get("active").asBoolean()).isTrue();
        assertThat(before.get("sub").asText()).isEqualTo(agent);
        assertThat(before.get("agent_id").asText()).isEqualTo(agent);
        assertThat(before.get("aud").asText()).isEqualTo(API);
        assertThat(before.get("scope").asText()).isEqualTo("agent");
        assertThat(before.get("policy_id").asText()).isEqualTo(policy);
        assertThat(before.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(out.get("introspectedAfter")).isEqualTo(JSON.readTree("{\"active\": false}"));
        assertThat(out.get("verifiedAfterRevocation").isNull())
                .as("offline verification cannot see a revocation: introspection is what does").isTrue();

        assertThat(out.get("exchangedAgain")).isEqualTo(JSON.readTree("{\"raised\": \"OAuthError\", "
                + "\"error\": \"invalid_token\", "
                + "\"description\": \"The OIDC token was already exchanged: each token may be exchanged once\"}"));
    }

    @Test
    void bootstrapTokenThroughAuthlibThenTheAgentOnlyVerifierRefusesItsScope() throws Exception {
        PythonVenv python = venv();
        String repository = "octo-org/authlib-" + UUID.randomUUID().toString().substring(0, 8);
        admin("/api/v1/oidc/trust-policies", Map.of("repository", repository));

        JsonNode out = runClient(python, Map.of("OIDC_TOKEN", github.token().repository(repository).mint()));

        assertThat(texts(out.get("sent"))).containsExactly("client_id", "grant_type", "subject_token",
                "subject_token_type");
        assertThat(out.get("token").get("scope").asText()).isEqualTo("agents:write");
        assertThat(out.get("token").get("expires_in").asInt()).as("IDP_TOKEN_TTL's default").isEqualTo(900);
        assertThat(out.get("token").get("agent_id").isNull()).isTrue();
        assertThat(out.get("verifyFailure")).isEqualTo(JSON.readTree("{\"raised\": \"InvalidTokenError\", "
                + "\"message\": \"insufficient_scope: an agent token is required\"}"));
        assertThat(out.get("introspectedBefore").get("scope").asText()).isEqualTo("agents:write");
        assertThat(out.get("introspectedBefore").get("aud").asText()).isEqualTo(issuer);
        assertThat(out.get("introspectedAfter")).isEqualTo(JSON.readTree("{\"active\": false}"));
    }

    @Test
    void readmePythonSnippetsAreWordForWordInTheTestedScript() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String script = Files.readString(SCRIPT);
        Matcher blocks = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> snippets = new ArrayList<>();
        while (blocks.find()) {
            snippets.add(blocks.group(1));
        }
        assertThat(snippets).as("the README's python blocks").hasSizeGreaterThanOrEqualTo(2);
        for (String snippet : snippets) {
            assertThat(script).as("README.md shows it; " + SCRIPT + " runs it").contains(snippet);
        }
    }

    /** Runs the script with the server's issuer and the introspection secret; its JSON output. */
    private JsonNode runClient(PythonVenv python, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("IDP_ISSUER", issuer);
        env.put("INTROSPECTION_TOKEN", INTROSPECTION);
        PythonVenv.Result result = python.runPython(List.of(SCRIPT.toString()), env, SCRIPT_TIMEOUT);
        assertThat(result.ok()).as(result.failure(SCRIPT.toString(), SCRIPT_TIMEOUT) + "\n" + result.errors()).isTrue();
        return JSON.readTree(result.output());
    }

    /** The venv, made on first use; a skip once is a skip for every test, without trying again. */
    private static synchronized PythonVenv venv() throws Exception {
        if (venvUnavailable != null) {
            throw venvUnavailable;
        }
        if (venv == null) {
            try {
                venv = PythonVenv.prepare(VENV, CLIENT.resolve("requirements.txt"));
            } catch (TestAbortedException e) {
                venvUnavailable = e;
                throw e;
            }
        }
        return venv;
    }

    private JsonNode admin(String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
