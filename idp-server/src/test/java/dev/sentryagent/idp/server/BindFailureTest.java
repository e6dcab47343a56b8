package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.SigningAlgorithm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A host and port the server cannot bind: one sentence naming both variables, never Javalin's stack trace. */
class BindFailureTest {
    @Test
    void whenThePortIsInUseThenOneSentenceNamingHostPortAndCause() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            String[] db = ServerFixture.h2("bind");
            assertThatThrownBy(() -> IdpServer.start(new ServerConfig(port, ServerFixture.IDP, ServerFixture.IDP, db[0],
                    db[1], db[2], null, "https://token.actions.githubusercontent.com", null, Duration.ofMinutes(15),
                    Duration.ofSeconds(60), SigningAlgorithm.ES256, null, "127.0.0.1", Duration.ofSeconds(10))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("IDP_HOST/IDP_PORT: cannot bind 127.0.0.1:" + port + ": Address already in use");
        }
    }
}
