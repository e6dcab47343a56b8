package dev.sentryagent.idp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The GitLab CI/CD component {@code ci/gitlab/templates/exchange.yml}: its inputs interpolated
 * and parsed as GitLab does, and its scripts run by {@code sh} with curl and jq, as a runner
 * would, against a loopback stand-in for the IdP's token endpoint that answers per the wire
 * contract (the IdP server lives in a module that depends on this one). The ID token is a real
 * one from {@link FakeGitLabIssuer}.
 */
class GitLabCiComponentTest {
    private static final Path COMPONENT = Path.of("..", "ci", "gitlab", "templates", "exchange.yml");
    private static final String JOB = ".sentryagent-idp-exchange";
    private static final String AGENT = "2fda56e2-0000-4000-8000-00000000abcd";
    private static final String ACCESS_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJpZHAifQ.c2lnbmF0dXJlLW9mLXRoZS1pZHA";
    private static final Pattern INPUT = Pattern.compile("\\$\\[\\[ inputs\\.([a-z-]+) ]]");

    @TempDir
    Path tmp;

    private FakeGitLabIssuer gitlab;
    private HttpServer idp;
    private final List<String> requestBodies = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private volatile int tokenStatus = 200;

    @BeforeEach
    void start() throws IOException {
        gitlab = FakeGitLabIssuer.start("https://idp.example.com");
        idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        idp.createContext("/api/v1/oidc/token", exchange -> {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            requestBodies.add(contentType + " " + exchange.getRequestMethod() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String body = tokenStatus == 200
                    ? "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":900,"
                            + "\"expires_at\":\"2026-11-27T18:00:00Z\",\"scope\":\"agent\",\"agent_id\":\"" + AGENT + "\","
                            + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}"
                    : "{\"error\":\"access_denied\",\"error_description\":\"Trust policy violation: no trust policy "
                            + "for provider gitlab and repository acme/platform/deployer\"}";
            respond(exchange, tokenStatus, body);
        });
        idp.createContext("/resource", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            respond(exchange, 200, "ok");
        });
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.stop(0);
        gitlab.close();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String idpUrl() {
        return "http://127.0.0.1:" + idp.getAddress().getPort();
    }

    /** The component's two documents after GitLab's interpolation of {@code inputs}. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> interpolate(Map<String, String> given) throws IOException {
        String raw = Files.readString(COMPONENT);
        Map<String, Object> spec = (Map<String, Object>) new Yaml().loadAll(raw).iterator().next();
        Map<String, Map<String, Object>> declared = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) spec.get("spec")).get("inputs");
        Matcher m = INPUT.matcher(raw.substring(raw.indexOf("\n---\n")));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            assertThat(declared).as("input used but not declared").containsKey(name);
            Object value = given.containsKey(name) ? given.get(name) : declared.get(name).get("default");
            assertThat(value).as("input %s has no value and no default", name).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
        }
        m.appendTail(out);
        List<Map<String, Object>> docs = new ArrayList<>();
        docs.add(spec);
        for (Object doc : new Yaml().loadAll(out.substring(1))) {
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> job(Map<String, String> inputs) throws IOException {
        return (Map<String, Object>) interpolate(inputs).get(1).get(JOB);
    }

    private record Run(int exit, String output, Path dir) {
    }

    /** Runs before_script then {@code script} in one shell (as a runner does), then after_script in another. */
    @SuppressWarnings("unchecked")
    private Run run(Map<String, Object> job, String idToken, String script) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("TMPDIR", tmp.toString());
        env.put("CI_JOB_ID", "8080");
        ((Map<String, Object>) job.get("variables")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        if (idToken != null) {
            env.put("SENTRYAGENT_IDP_ID_TOKEN", idToken);
        }
        List<String> main = new ArrayList<>((List<String>) job.get("before_script"));
        main.add(script);
        StringBuilder output = new StringBuilder();
        int exit = sh(String.join("\n", main), env, output);
        sh(String.join("\n", (List<String>) job.get("after_script")), env, output);
        return new Run(exit, output.toString(), tmp.resolve("sentryagent-idp-8080"));
    }

    private static int sh(String script, Map<String, String> env, StringBuilder output) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private Map<String, String> inputs(String agentId) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("idp-url", idpUrl() + "/");
        inputs.put("audience", "https://idp.example.com");
        if (agentId != null) {
            inputs.put("agent-id", agentId);
        }
        return inputs;
    }

    @Test
    @SuppressWarnings("unchecked")
    void componentWhenParsedThenDeclaresTheInputsAndAsksGitLabForAnIdTokenWithTheAudience() throws Exception {
        List<Map<String, Object>> docs = interpolate(inputs(AGENT));
        Map<String, Object> declared = (Map<String, Object>) ((Map<String, Object>) docs.get(0).get("spec")).get("inputs");

        assertThat(declared).containsOnlyKeys("idp-url", "audience", "agent-id", "provider", "resource-audience");
        assertThat(((Map<String, Object>) declared.get("provider")).get("default")).isEqualTo("gitlab");
        assertThat(((Map<String, Object>) declared.get("audience"))).doesNotContainKey("default");
        Map<String, Object> job = (Map<String, Object>) docs.get(1).get(JOB);
        assertThat(job.get("id_tokens")).isEqualTo(
                Map.of("SENTRYAGENT_IDP_ID_TOKEN", Map.of("aud", "https://idp.example.com")));
        assertThat(Files.readString(COMPONENT)).doesNotContain("echo \"$SENTRYAGENT_IDP_ID_TOKEN");
    }

    @Test
    void exchangeWhenIdpAdmitsThenTokenInOwnerOnlyFilesNeverPrintedAndUsableByCurl() throws Exception {
        String idToken = gitlab.token().mint();

        Run run = run(job(inputs(AGENT)), idToken, """
                ls -ld "$(dirname "$SENTRYAGENT_IDP_TOKEN_FILE")" "$SENTRYAGENT_IDP_TOKEN_FILE" "$SENTRYAGENT_IDP_HEADER_FILE" | cut -c1-10
                curl -fsS -H @"$SENTRYAGENT_IDP_HEADER_FILE" "${SENTRYAGENT_IDP_URL%/}/resource"
                test "$(cat "$SENTRYAGENT_IDP_TOKEN_FILE")" = "$(cut -d' ' -f3 "$SENTRYAGENT_IDP_HEADER_FILE")" && echo same
                """);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).isEqualTo("""
                sentryagent-idp: agent token, expires 2026-11-27T18:00:00Z, in $SENTRYAGENT_IDP_TOKEN_FILE
                drwx------
                -rw-------
                -rw-------
                oksame
                """);
        assertThat(run.output()).doesNotContain(ACCESS_TOKEN).doesNotContain(idToken);
        assertThat(authorizations).containsExactly("Bearer " + ACCESS_TOKEN);
        assertThat(requestBodies).hasSize(1);
        String request = requestBodies.get(0);
        assertThat(request).startsWith("application/json POST ");
        assertThat(JsonUtil.parseJson(request.substring("application/json POST ".length())))
                .isEqualTo(Map.of("token", idToken, "provider", "gitlab", "agentId", AGENT));
        assertThat(run.dir()).doesNotExist();
    }

    @Test
    void exchangeWhenNoAgentIdThenBootstrapRequestWithoutAgentIdAndWithResourceAudience() throws Exception {
        Map<String, String> inputs = inputs(null);
        inputs.put("provider", "gitlab-internal");
        inputs.put("resource-audience", "https://deploy.example.com");

        Run run = run(job(inputs), gitlab.token().mint(), "true");

        assertThat(run.exit()).as(run.output()).isZero();
        Map<String, Object> body = JsonUtil.parseJson(requestBodies.get(0).substring("application/json POST ".length()));
        assertThat(body).containsOnlyKeys("token", "provider", "audience")
                .containsEntry("provider", "gitlab-internal").containsEntry("audience", "https://deploy.example.com");
    }

    @Test
    void exchangeWhenIdpRefusesThenJobFailsWithTheIdpsReasonAndNoTokenFileAndScriptNotRun() throws Exception {
        tokenStatus = 403;

        Run run = run(job(inputs(AGENT)), gitlab.token().mint(), "echo script-ran");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).isEqualTo("sentryagent-idp: exchange refused, HTTP 403: access_denied: Trust policy "
                + "violation: no trust policy for provider gitlab and repository acme/platform/deployer\n");
        assertThat(run.dir()).doesNotExist();
    }

    @Test
    void exchangeWhenJobHasNoIdTokenThenFailsSayingSoWithoutCallingTheIdp() throws Exception {
        Run run = run(job(inputs(AGENT)), null, "echo script-ran");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).isEqualTo(
                "sentryagent-idp: GitLab gave the job no ID token (id_tokens: SENTRYAGENT_IDP_ID_TOKEN)\n");
        assertThat(requestBodies).isEmpty();
    }

    @Test
    void exchangeWhenTokenDirectoryAlreadyExistsThenRefusesToWriteIntoIt() throws Exception {
        Path planted = Files.createDirectory(tmp.resolve("sentryagent-idp-8080"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));

        Run run = run(job(inputs(AGENT)), gitlab.token().mint(), "echo script-ran");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).doesNotContain("script-ran").contains("sentryagent-idp-8080");
        assertThat(requestBodies).isEmpty();
        assertThat(planted).doesNotExist();
    }
}
