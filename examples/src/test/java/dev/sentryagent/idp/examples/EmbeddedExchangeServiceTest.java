package dev.sentryagent.idp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class EmbeddedExchangeServiceTest {

    @Test
    void exchangesATrustedTokenAndRefusesAnUntrustedOne() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (FakeOidcIssuer github = FakeOidcIssuer.start("http://localhost:" + port);
             EmbeddedExchangeService service = new EmbeddedExchangeService(port, github.issuer(), "octo-org/octo-repo")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
                    .POST(HttpRequest.BodyPublishers.ofString(github.token().mint())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).contains("\"scope\":\"agents:write\"");

            HttpResponse<String> denied = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
                    .POST(HttpRequest.BodyPublishers.ofString(github.token().branch("dev").mint())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).contains("Branch not permitted");
        }
    }
}
