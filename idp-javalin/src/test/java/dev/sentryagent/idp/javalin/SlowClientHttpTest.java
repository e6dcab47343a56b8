package dev.sentryagent.idp.javalin;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Slow clients against the real server over real sockets (contract v2, section 6): they cannot
 * starve it, each is cut off after IDP_REQUEST_TIMEOUT, and an oversized declared body is refused
 * before it is read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientHttpTest {
    static final String IDP = "http://localhost:8080";
    static final String ADMIN = "slow-client-admin-secret-0123456789-abc";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

    FakeOidcIssuer github;
    IdpServer server;
    Http http;

    @BeforeAll
    void start() {
        github = FakeOidcIssuer.start(IDP);
        server = IdpServer.start(new ServerConfig(0, IDP, IDP, "jdbc:h2:mem:slow-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "", "", AdminToken.parse(ADMIN), github.issuer(), null, Duration.ofMinutes(15),
                Duration.ofSeconds(60), SigningAlgorithm.ES256, null, "127.0.0.1", REQUEST_TIMEOUT));
        http = new Http("http://127.0.0.1:" + server.port());
        // Warm up (first key, first JWKS fetch, JIT): the measurements below are about slow clients.
        String repository = "octo-org/warm-up";
        http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN);
        for (int i = 0; i < 20; i++) {
            http.get("/health", null);
            http.exchange(github.token().repository(repository).mint(), null);
        }
    }

    @AfterAll
    void stop() {
        server.close();
        github.close();
    }

    Socket open() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout((int) REQUEST_TIMEOUT.plusSeconds(5).toMillis());
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes the connection (or the read times out). */
    static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException | java.net.SocketException stillOpenOrReset) {
            out.append("<no close>");
        }
        return out.toString();
    }

    @Test
    void whenThirtyTwoClientsTrickleBodiesThenHealthAndExchangesAnswerWithinASecondAndSlowOnesCutOff()
            throws Exception {
        String repository = "octo-org/slow-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", repository), ADMIN).status())
                .isEqualTo(201);
        int clients = 32;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<String>> answers = new ArrayList<>();
        List<Long> cutOffAfter = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    try (Socket socket = open()) {
                        long start = System.nanoTime();
                        send(socket, "POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
                        // one byte a second, far slower than the timeout allows for 100 bytes
                        for (int b = 0; b < 100; b++) {
                            Thread.sleep(1000);
                            try {
                                send(socket, " ");
                            } catch (IOException closed) {
                                break;
                            }
                            if (socket.getInputStream().available() > 0) {
                                break;
                            }
                        }
                        String answer = readAll(socket);
                        cutOffAfter.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                        return answer;
                    }
                }));
            }
            Thread.sleep(1500); // every slow client is connected and trickling
            long end = System.nanoTime() + REQUEST_TIMEOUT.minusMillis(1500).toNanos();
            List<Long> healthMillis = new ArrayList<>();
            List<Long> exchangeMillis = new ArrayList<>();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                assertThat(http.get("/health", null).status()).isEqualTo(200);
                healthMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                start = System.nanoTime();
                Http.Response exchange = http.exchange(github.token().repository(repository).mint(), null);
                exchangeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertThat(exchange.status()).as(exchange.body()).isEqualTo(200);
                Thread.sleep(100);
            }
            System.out.println("slow clients: /health ms " + healthMillis + ", exchange ms " + exchangeMillis);
            assertThat(healthMillis).as("/health while 32 clients trickle").hasSizeGreaterThan(3)
                    .allSatisfy(ms -> assertThat(ms).isLessThan(1000));
            assertThat(exchangeMillis).as("exchanges while 32 clients trickle")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(1000));
            for (Future<String> answer : answers) {
                String text = answer.get(30, TimeUnit.SECONDS);
                assertThat(text).startsWith("HTTP/1.1 408 ");
                assertThat(text).containsIgnoringCase("Connection: close");
                assertThat(text).contains("{\"error\":\"invalid_request\",\"error_description\":"
                        + "\"the request was not received in full within PT4S\"}");
            }
            assertThat(cutOffAfter).allSatisfy(ms -> assertThat(ms).isBetween(3000L, 7000L));
        } finally {
            pool.shutdownNow();
        }
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
                send(socket, "POST /api/v1/agents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 104857600\r\n\r\n");
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
