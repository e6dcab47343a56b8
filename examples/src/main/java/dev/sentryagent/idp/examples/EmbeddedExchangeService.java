package dev.sentryagent.idp.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.IdpException;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.jdbc.JdbcStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The exchanger embedded in a plain Java service, without Javalin: the JDK's own HTTP server,
 * an H2 store, and one route, {@code POST /token} with the runner's OIDC token as the body.
 *
 * <pre>
 * java -cp examples/target/classes:... dev.sentryagent.idp.examples.EmbeddedExchangeService \
 *      [port] [github-issuer] [trusted repository]
 * </pre>
 */
public final class EmbeddedExchangeService implements AutoCloseable {
    private final HttpServer server;
    private final JdbcStore store;
    private final TokenExchanger exchanger;

    public EmbeddedExchangeService(int port, String githubIssuer, String repository) throws IOException {
        store = JdbcStore.create("jdbc:h2:mem:embedded-example;DB_CLOSE_DELAY=-1", "", "");
        String self = "http://localhost:" + port;
        exchanger = TokenExchanger.builder()
                .issuer(self)
                .provider(GitHubProvider.builder().issuer(githubIssuer).audience(self).build())
                .store(store)
                .build();
        store.trustPolicies().create(TrustPolicy.create("github", repository, "main", null));

        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/token", this::token);
        server.createContext("/jwks.json", exchange -> send(exchange, 200, exchanger.accessTokenIssuer().jwksJson()));
        server.start();
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            return;
        }
        String oidcToken;
        try (InputStream in = exchange.getRequestBody()) {
            oidcToken = new String(in.readNBytes(16 * 1024), StandardCharsets.US_ASCII).strip();
        }
        try {
            ExchangeResult result = exchanger.exchange(ExchangeRequest.bootstrap("github", oidcToken));
            send(exchange, 200, "{\"access_token\":\"" + result.accessToken() + "\",\"expires_at\":\""
                    + result.expiresAt() + "\",\"scope\":\"" + result.scope() + "\"}");
        } catch (IdpException e) {
            // Every refusal carries an OAuth error code and a sentence that never contains the token.
            int status = switch (e.code()) {
                case INVALID_TOKEN -> 401;
                case ACCESS_DENIED -> 403;
                case TEMPORARILY_UNAVAILABLE -> 503;
                default -> 400;
            };
            send(exchange, status, "{\"error\":\"" + e.code().wireName() + "\",\"error_description\":\""
                    + e.getMessage().replace("\"", "'") + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        store.close();
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        String issuer = args.length > 1 ? args[1] : GitHubProvider.GITHUB_COM_ISSUER;
        String repository = args.length > 2 ? args[2] : "octo-org/octo-repo";
        EmbeddedExchangeService service = new EmbeddedExchangeService(port, issuer, repository);
        System.out.println("POST an OIDC token to http://127.0.0.1:" + service.port() + "/token (trusting "
                + repository + "@main)");
    }
}
