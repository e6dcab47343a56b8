package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The slow-client scenario of contract v2, section 6, over raw sockets: shared by the in-process test and the jar's. */
final class SlowClients {
    static final int CLIENTS = 32;

    private SlowClients() {
    }

    static Socket open(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes the connection; {@code <no close>} if it does not. */
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

    /**
     * Sends {@code first} (a request line and headers, not yet ended), then one more header byte a
     * second, until the server closes the connection or {@code max} passes.
     *
     * @return how long after the first byte the server closed the connection, and everything it
     *     sent meanwhile; the time is -1 if it did not close within {@code max}
     */
    static Map.Entry<Long, String> trickleHeadersUntilClosed(Socket socket, String first, Duration max)
            throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder received = new StringBuilder();
        long start = System.nanoTime();
        long end = start + max.toNanos();
        send(socket, first + "X-Slow: ");
        socket.setSoTimeout(1000);
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < end) {
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    return Map.entry(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), received.toString());
                }
                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException stillOpen) {
                try {
                    send(socket, "a");
                } catch (IOException closed) {
                    return Map.entry(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), received.toString());
                }
            } catch (java.net.SocketException reset) {
                return Map.entry(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), received.toString());
            }
        }
        return Map.entry(-1L, received.toString());
    }

    /**
     * 32 connections each send the headers of a token exchange with a 100-byte body, then one
     * byte a second. Meanwhile {@code /health} and exchanges of {@code token} from another client
     * must answer within a second, and every slow request must be answered 408 with
     * {@code Connection: close} about {@code requestTimeout} after it began.
     */
    static void assertOthersServedAndSlowOnesCutOff(int port, Http http, Duration requestTimeout,
                                                     Supplier<String> token) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<String>> answers = new ArrayList<>();
        List<Long> cutOffAfter = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                answers.add(pool.submit(() -> {
                    try (Socket socket = open(port, requestTimeout.plusSeconds(5))) {
                        long start = System.nanoTime();
                        send(socket, "POST /api/v1/oidc/token HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
                        for (int b = 0; b < 100; b++) {
                            Thread.sleep(1000);
                            if (socket.getInputStream().available() > 0) {
                                break;
                            }
                            try {
                                send(socket, " ");
                            } catch (IOException closed) {
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
            long end = System.nanoTime() + requestTimeout.minusMillis(1500).toNanos();
            List<Long> healthMillis = new ArrayList<>();
            List<Long> exchangeMillis = new ArrayList<>();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                assertThat(http.get("/health", null).status()).isEqualTo(200);
                healthMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                start = System.nanoTime();
                Http.Response exchange = http.exchange(token.get(), null);
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
                        + "\"the request was not received in full within " + requestTimeout + "\"}");
            }
            long timeout = requestTimeout.toMillis();
            assertThat(cutOffAfter).allSatisfy(ms -> assertThat(ms).isBetween(timeout - 1000, timeout + 3000));
        } finally {
            pool.shutdownNow();
        }
    }
}
