package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sentryagent.idp.core.AgentRegistrar;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.javalin.internal.ErrorResponses;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Contract v2, section 6: every refusal, including the 400/413/415 a route answers itself, is one
 * log line naming method, path, status and error, and values a client chose are escaped in it.
 * Over real HTTP against the real server, with the log captured where the refusals are logged.
 */
class RefusalLogHttpTest extends ServerFixture {
    static final String ADMIN = "refusal-log-admin-secret-0123456789-abcd";
    /** Every logger that logs refusals: the routes, the request gate, Jetty's error handler, the exchanger, the registrar. */
    static final List<String> REFUSAL_LOGGERS = List.of(ErrorResponses.class.getName(), RequestGate.class.getName(),
            ContractErrorHandler.class.getName(), "dev.sentryagent.idp.exchange", AgentRegistrar.class.getName());

    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    RefusalLogHttpTest() {
        super(ADMIN);
    }

    @BeforeAll
    void createData() {
        log.start();
        for (String type : REFUSAL_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(type);
            logger.setLevel(Level.INFO);
            logger.addAppender(log);
        }
    }

    @AfterAll
    void cleanUp() {
        for (String type : REFUSAL_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(type);
            logger.detachAppender(log);
            logger.setLevel(null);
        }
    }

    @BeforeEach
    void clear() {
        log.list.clear();
    }

    /** The one line {@code refusal} logged; fails when it logged none or several. */
    String onlyLine(Supplier<Http.Response> refusal, int status) {
        log.list.clear();
        Http.Response r = refusal.get();
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("log lines of a %d refusal", status).hasSize(1);
        return lines.get(0);
    }

    @Test
    void whenARouteRefusesThenOneLineWithMethodPathStatusAndError() {
        assertThat(onlyLine(() -> http.postJson("/api/v1/oidc/trust-policies", "{\"repository\": ", ADMIN), 400))
                .isEqualTo("request refused status=400 method=POST path=/api/v1/oidc/trust-policies "
                        + "error=invalid_request reason=\"request body is not valid JSON at line 1, column 16\"");
        assertThat(onlyLine(() -> http.send("POST", "/api/v1/oidc/trust-policies", "text/plain", "{}", ADMIN), 415))
                .isEqualTo("request refused status=415 method=POST path=/api/v1/oidc/trust-policies "
                        + "error=invalid_request reason=\"Content-Type must be application/json\"");
        assertThat(onlyLine(() -> http.exchange("x".repeat(17 * 1024), null), 413))
                .isEqualTo("request refused status=413 method=POST path=/api/v1/oidc/token "
                        + "error=invalid_request reason=\"token is larger than 16384 bytes\"");
        assertThat(onlyLine(() -> http.get("/api/v1/oidc/trust-policies", null), 401))
                .isEqualTo("request refused status=401 method=GET path=/api/v1/oidc/trust-policies "
                        + "error=invalid_token reason=\"Missing bearer token: send Authorization: Bearer <token>\"");
        assertThat(onlyLine(() -> http.get("/api/v1/oidc/trust-policies/" + UUID.randomUUID(), ADMIN), 404))
                .startsWith("request refused status=404 method=GET path=/api/v1/oidc/trust-policies/");
        assertThat(onlyLine(() -> http.get("/api/v1/nothing-here", null), 404))
                .isEqualTo("request refused status=404 method=GET path=/api/v1/nothing-here "
                        + "error=not_found reason=\"No route GET /api/v1/nothing-here\"");
        assertThat(onlyLine(() -> http.send("PUT", "/api/v1/agents", "application/json", "{}", ADMIN), 405))
                .isEqualTo("request refused status=405 method=PUT path=/api/v1/agents "
                        + "error=method_not_allowed reason=\"Method PUT is not allowed on /api/v1/agents\"");
        assertThat(onlyLine(() -> http.sendChunked("POST", "/api/v1/oidc/token", "application/json",
                "{\"token\":\"" + "n".repeat(70 * 1024) + "\"}"), 413))
                .isEqualTo("request refused status=413 method=POST path=/api/v1/oidc/token "
                        + "error=invalid_request reason=\"request body is larger than 65536 bytes\"");
    }

    /** The one line a refusal Jetty answers itself logged, for a request sent as raw bytes. */
    String onlyLine(String rawRequest, int status) throws Exception {
        log.list.clear();
        String answer;
        try (Socket socket = SlowClients.open(server.port(), Duration.ofSeconds(10))) {
            SlowClients.send(socket, rawRequest);
            answer = SlowClients.readAll(socket);
        }
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("log lines of a %d refusal", status).hasSize(1);
        return lines.get(0);
    }

    @Test
    void whenJettyRefusesMalformedHttpThenOneLineWithJettysReason() throws Exception {
        String badHttp = "the request is not valid HTTP/1.1: check its request line, Host header, URI encoding and "
                + "body framing (Content-Length, Transfer-Encoding, chunks)";
        assertThat(onlyLine("POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Content-Length: 3\r\n\r\n{}", 400))
                .isEqualTo("request refused status=400 method=POST path=/api/v1/oidc/token error=invalid_request "
                        + "reason=\"" + badHttp + " (Multiple Content-Lengths)\"");
        assertThat(onlyLine("POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked"
                + "\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400))
                .startsWith("request refused status=400 method=POST path=/api/v1/oidc/token error=invalid_request "
                        + "reason=\"" + badHttp);
        assertThat(onlyLine("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20 * 1024)
                + "\r\n\r\n", 431))
                .startsWith("request refused status=431 ").contains(" error=invalid_request reason=\"the request "
                        + "headers are too large: the request line and headers may have at most 8192 bytes\"");
        assertThat(onlyLine("GET /health HTTP/1.1\r\n\r\n", 400))
                .isEqualTo("request refused status=400 method=GET path=/health error=invalid_request "
                        + "reason=\"" + badHttp + " (No Host)\"");
    }

    @Test
    void whenTheExchangeRefusesThenStillOneLine() {
        assertThat(onlyLine(() -> http.postJson("/api/v1/oidc/token", map("token", "a.b.c", "provider", "gitlab"),
                null), 400)).startsWith("exchange denied provider=gitlab agent=bootstrap error=invalid_request");
        assertThat(onlyLine(() -> http.exchange(github.token().repository("octo-org/nothing").mint(), null), 403))
                .contains("exchange denied provider=github repository=octo-org/nothing");
        assertThat(onlyLine(() -> http.postJson("/api/v1/oidc/token", map("token", "a.b.c", "unknown", 1), null),
                400)).startsWith("request refused status=400 method=POST path=/api/v1/oidc/token");
    }

    @Test
    void whenABootstrapTokenIsReusedThenOneLine() {
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", "octo-org/bootstrap-log"), ADMIN)
                .status()).isEqualTo(201);
        String bootstrap = http.exchange(github.token().repository("octo-org/bootstrap-log").mint(), null).json()
                .get("access_token").asText();
        assertThat(http.postJson("/api/v1/agents", map("name", "first"), bootstrap).status()).isEqualTo(201);
        assertThat(onlyLine(() -> http.postJson("/api/v1/agents", map("name", "second"), bootstrap), 401))
                .isEqualTo("request refused status=401 method=POST path=/api/v1/agents error=invalid_token "
                        + "reason=\"The bootstrap token was already used: each bootstrap token registers one agent\"");
    }

    @Test
    void whenARefusedValueHasControlOrBidiCharactersThenTheLineEscapesThem() {
        String line = onlyLine(() -> http.postJson("/api/v1/agents", "{\"x\u202Ey\u2028z\": 1}", ADMIN), 400);
        assertThat(line).contains("unknown field \\\"x\\u202ey\\u2028z\\\"").doesNotContain("\u202E", "\u2028");
    }

    @Test
    void whenTheClaimsOfARefusedTokenHaveControlCharactersThenTheLineEscapesThem() {
        String line = onlyLine(() -> http.exchange(github.token().repository("octo-org/nothing")
                .claim("ref", "refs/heads/x\nexchange allowed \u202E").mint(), null), 403);
        assertThat(line).contains("ref=refs/heads/x\\u000aexchange allowed \\u202e").doesNotContain("\n", "\u202E");
    }

    @Test
    void whenThePathHasEncodedControlOrBidiCharactersThenTheLineHasNoneOfThem() {
        String line = onlyLine(() -> http.get("/api/v1/x%0Aexchange%20allowed%E2%80%AE%E2%80%A8", null), 404);
        assertThat(line).startsWith("request refused status=404 method=GET path=/api/v1/x")
                .doesNotContain("\n", "\u202E", "\u2028");
    }
}
