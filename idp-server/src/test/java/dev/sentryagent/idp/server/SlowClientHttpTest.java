package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.SigningAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow clients against the real server over real sockets (contract v2, section 6): they cannot
 * starve it, each is cut off after IDP_REQUEST_TIMEOUT (headers and bodies alike), and an oversized
 * declared body is refused before it is read.
 */
class SlowClientHttpTest extends ServerFixture {
    static final String ADMIN = "slow-client-admin-secret-0123456789-abc";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

    SlowClientHttpTest() {
        super(ADMIN);
    }

    @Override
    ServerConfig config(String[] db, String githubIssuer) {
        return new ServerConfig(0, IDP, IDP, db[0], db[1], db[2], AdminToken.parse(ADMIN), githubIssuer, null,
                Duration.ofMinutes(15), Duration.ofSeconds(60), SigningAlgorithm.ES256, null, "127.0.0.1", REQUEST_TIMEOUT);
    }

    @BeforeAll
    void createData() {
        // Warm up (first key, first JWKS fetch, JIT): the measurements below are about slow clients.
        String repository = "octo-org/warm-up";
        http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN);
        for (int i = 0; i < 20; i++) {
            http.get("/health", null);
            http.exchange(github.token().repository(repository).mint(), null);
        }
    }

    Socket open() throws IOException {
        return SlowClients.open(server.port(), REQUEST_TIMEOUT.plusSeconds(5));
    }

    static void send(Socket socket, String text) throws IOException {
        SlowClients.send(socket, text);
    }

    static String readAll(Socket socket) throws IOException {
        return SlowClients.readAll(socket);
    }

    @Test
    void whenThirtyTwoClientsTrickleBodiesThenHealthAndExchangesAnswerWithinASecondAndSlowOnesCutOff()
            throws Exception {
        String repository = "octo-org/slow-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN).status())
                .isEqualTo(201);
        SlowClients.assertOthersServedAndSlowOnesCutOff(server.port(), http, REQUEST_TIMEOUT,
                () -> github.token().repository(repository).mint());
    }

    @Test
    void whenClientsTrickleRequestHeadersThenEachConnectionIsClosedAfterTheRequestTimeout() throws Exception {
        // Every byte resets the connector's idle timeout: only a deadline from the first byte ends these.
        // Half of them trickle the second request of a keep-alive connection, after a first one answered.
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Map.Entry<Long, String>>> tricklers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                boolean secondRequest = i % 2 == 1;
                tricklers.add(pool.submit(() -> {
                    try (Socket socket = open()) {
                        if (secondRequest) {
                            send(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                            assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ");
                        }
                        return SlowClients.trickleHeadersUntilClosed(socket,
                                "GET /health HTTP/1.1\r\nHost: localhost\r\n", REQUEST_TIMEOUT.plusSeconds(10));
                    }
                }));
            }
            Thread.sleep(1000);
            assertThat(http.get("/health", null).status()).isEqualTo(200);
            long timeout = REQUEST_TIMEOUT.toMillis();
            for (Future<Map.Entry<Long, String>> trickler : tricklers) {
                Map.Entry<Long, String> closed = trickler.get(30, TimeUnit.SECONDS);
                assertThat(closed.getKey()).as("ms until closed, -1: still open").isBetween(timeout, timeout + 3000);
                assertThat(closed.getValue()).as("answer").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One response with a {@code Content-Length}, read off a connection that stays open. */
    static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        byte[] body = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    @Test
    void whenDeclaredContentLengthOverLimitThen413AtOnceWithoutReadingTheBody() throws Exception {
        try (Socket socket = open()) {
            long start = System.nanoTime();
            send(socket, "POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n{\"token\":\"");
            String answer = readAll(socket);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(answer).startsWith("HTTP/1.1 413 ");
            assertThat(answer).containsIgnoringCase("Connection: close");
            assertThat(answer).endsWith("{\"error\":\"invalid_request\",\"error_description\":"
                    + "\"request body is larger than 65536 bytes\"}");
            assertThat(tookMillis).isLessThan(1000);
        }
    }

    @Test
    void whenManyOversizedDeclarationsThenNoThreadIsHeldAndHealthAnswers() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                Socket socket = open();
                sockets.add(socket);
                // With a bearer token: without one the route refuses it 401 before any body (contract v2).
                send(socket, "POST /api/v1/agents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer some-token\r\nContent-Length: 104857600\r\n\r\n");
            }
            Thread.sleep(300); // every declaration has arrived
            long start = System.nanoTime();
            assertThat(http.get("/health", null).status()).isEqualTo(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
            for (Socket socket : sockets) {
                assertThat(readAll(socket)).startsWith("HTTP/1.1 413 ");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void whenBodyArrivesInTimeThenServedNormally() throws Exception {
        try (Socket socket = open()) {
            String body = "{\"token\":\"x.y.z\"}";
            send(socket, "POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n");
            Thread.sleep(500);
            send(socket, body);
            String answer = readAll(socket);
            assertThat(answer).startsWith("HTTP/1.1 401 ");
            assertThat(answer).contains("\"error\":\"invalid_token\"");
        }
    }
}
