package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What Jetty refuses itself, before or outside the routes, over raw sockets (an HTTP client would
 * not send these): the contract's JSON error body with a fixed description that echoes nothing,
 * {@code Cache-Control: no-store}, never Jetty's HTML page.
 */
class MalformedHttpTest extends ServerFixture {
    static final String ADMIN = "malformed-http-admin-secret-0123456789-ab";
    static final String BAD_HTTP = "{\"error\":\"invalid_request\",\"error_description\":\"the request is not valid "
            + "HTTP/1.1: check its request line, Host header, URI encoding and body framing (Content-Length, "
            + "Transfer-Encoding, chunks)\"}";

    MalformedHttpTest() {
        super(ADMIN);
    }

    /** Everything the server answers to {@code request} before it closes the connection. */
    String raw(String request) throws Exception {
        try (Socket socket = SlowClients.open(server.port(), Duration.ofSeconds(10))) {
            SlowClients.send(socket, request);
            return SlowClients.readAll(socket);
        }
    }

    /** The answer is the contract's error: {@code status}, JSON, no-store, exactly {@code body}, no HTML. */
    static void assertContractError(String answer, int status, String body) {
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
        assertThat(head).contains("\r\ncontent-type: application/json").contains("\r\ncache-control: no-store");
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).isEqualTo(body);
        assertThat(answer.toLowerCase()).doesNotContain("<html", "text/html");
    }

    @Test
    void whenTwoContentLengthsThen400InTheContractBody() throws Exception {
        assertContractError(raw("POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400, BAD_HTTP);
    }

    @Test
    void whenContentLengthAndTransferEncodingThen400InTheContractBody() throws Exception {
        assertContractError(raw("POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                400, BAD_HTTP);
    }

    @Test
    void whenAChunkSizeIsNotHexThen400InTheContractBody() throws Exception {
        // Refused while the request gate reads the body: the headers were fine.
        assertContractError(raw("POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400, BAD_HTTP);
    }

    @Test
    void whenHeadersOver8KiBThen431InTheContractBodyWithoutEchoingThem() throws Exception {
        String answer = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "secret-".repeat(3000)
                + "\r\n\r\n");
        assertContractError(answer, 431, "{\"error\":\"invalid_request\",\"error_description\":\"the request "
                + "headers are too large: the request line and headers may have at most 8192 bytes\"}");
        assertThat(answer).doesNotContain("secret-");
    }

    @Test
    void whenTheUriIsOver8KiBThen414InTheContractBodyWithoutEchoingIt() throws Exception {
        String answer = raw("GET /health?" + "q".repeat(9 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertContractError(answer, 414, "{\"error\":\"invalid_request\",\"error_description\":\"the request URI "
                + "is too long: the request line and headers may have at most 8192 bytes\"}");
        assertThat(answer).doesNotContain("qqqq");
    }

    @Test
    void whenThePathIsNotUtf8Then400InTheContractBodyWithoutEchoingIt() throws Exception {
        String answer = raw("GET /api/v1/agents/%C3%28 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN
                + "\r\nConnection: close\r\n\r\n");
        assertContractError(answer, 400, BAD_HTTP);
        assertThat(answer).doesNotContain("%C3", "agents", ADMIN);
    }

    @Test
    void whenNoHostThen400InTheContractBody() throws Exception {
        assertContractError(raw("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, BAD_HTTP);
    }

    @Test
    void whenTheHttpVersionIsUnknownThen505InTheContractBody() throws Exception {
        assertContractError(raw("GET /health HTTP/7.1\r\nHost: localhost\r\n\r\n"), 505,
                "{\"error\":\"invalid_request\",\"error_description\":\"the HTTP version is not supported: use "
                        + "HTTP/1.1\"}");
    }
}
