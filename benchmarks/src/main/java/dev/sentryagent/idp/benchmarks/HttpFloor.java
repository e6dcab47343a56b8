package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.server.HttpSettings;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The HTTP floor of the load benchmark: a server with idp-server's HTTP settings whose
 * {@code POST /api/v1/oidc/token} reads the request body and answers a fixed response the size of
 * a real one, with no verification, no signature and no database. Driven by the same wrk script, it
 * measures what keep-alive HTTP alone (Jetty, Javalin, the loopback, wrk itself) costs on this
 * machine, so the load benchmark can say how close an exchange could ever get to the crypto
 * ceiling: at best {@code 1 / (1 / ceiling + 1 / floor)} exchanges per second.
 *
 * <p>Arguments: {@code port}. Serves until killed.
 */
public final class HttpFloor {
    private HttpFloor() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        byte[] answer = answer();
        Javalin.create(javalin -> {
            HttpSettings.apply(javalin);
            javalin.routes.post("/api/v1/oidc/token", ctx -> {
                if (ctx.bodyAsBytes().length == 0) {
                    ctx.status(400);
                    return;
                }
                ctx.contentType("application/json").header("Cache-Control", "no-store").result(answer);
            });
            javalin.routes.get("/health", ctx -> ctx.result("ok"));
        }).start("127.0.0.1", port);
    }

    /** A response like the exchange's, with a real ES256 access token in it. */
    private static byte[] answer() {
        SigningAlgorithm es256 = SigningAlgorithm.ES256;
        String token = Fixtures.signAccessToken(es256, es256.generateKeyPair().getPrivate(), "floor-kid-0123456789");
        String json = "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":900,"
                + "\"expires_at\":\"" + Instant.now().plusSeconds(900) + "\",\"scope\":\"agents:write\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
