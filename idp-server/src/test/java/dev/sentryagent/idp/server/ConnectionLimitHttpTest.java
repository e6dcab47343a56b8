package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server holds at most {@link HttpSettings#MAX_CONNECTIONS} connections open: one more waits,
 * unanswered, until one of them closes, then it is served.
 */
class ConnectionLimitHttpTest extends ServerFixture {
    ConnectionLimitHttpTest() {
        super("connection-limit-admin-secret-0123456789-ab");
    }

    @Test
    void whenTheLimitIsReachedThenAnotherConnectionWaitsUntilOneCloses() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < HttpSettings.MAX_CONNECTIONS; i++) {
                // One request each, answered: the connection is accepted, and kept open (keep-alive).
                // (Connecting all at once would overflow the listen backlog and wait on SYN retries.)
                Socket socket = SlowClients.open(server.port(), Duration.ofSeconds(30));
                held.add(socket);
                SlowClients.send(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(SlowClientHttpTest.readResponse(socket)).startsWith("HTTP/1.1 200 ");
            }

            try (Socket waiting = SlowClients.open(server.port(), Duration.ofSeconds(1))) {
                SlowClients.send(waiting, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThat(SlowClients.readAll(waiting)).as("over the limit").isEqualTo("<no close>");
                held.remove(0).close();
                waiting.setSoTimeout(10_000);
                assertThat(SlowClients.readAll(waiting)).as("once one closed").startsWith("HTTP/1.1 200 ");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
