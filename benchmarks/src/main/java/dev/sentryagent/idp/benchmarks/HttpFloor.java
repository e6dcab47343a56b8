package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.server.HttpSettings;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/**
 * The HTTP floor of the load benchmark: a server with idp-server's HTTP settings whose
 * {@code POST /api/v1/oidc/token} reads the request body and answers a fixed response the size of
 * a real one, with no verification, no signature and no database. Driven by the same wrk script, it
 * measures what keep-alive HTTP alone (Jetty, Javalin, the loopback, wrk itself) costs on this
 * machine, so the load benchmark can say how close an exchange could ever get to the crypto
 * ceiling: at best {@code 1 / (1 / ceiling + 1 / floor)} exchanges per second.
 *
 * <p>In idp-javalin's internal package because it runs the server's internal {@link HttpSettings}.
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
        String token = esSignedToken();
        String json = "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":900,"
                + "\"expires_at\":\"" + Instant.now().plusSeconds(900) + "\",\"scope\":\"agents:write\","
                + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** An ES256 JWS the size of an access token; its cost is not measured here, only its bytes sent. */
    private static String esSignedToken() {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(SigningAlgorithm.ES256.jwsName());
        jws.setKeyIdHeaderValue("floor-kid-0123456789");
        jws.setHeader("typ", "at+jwt");
        jws.setPayload("{\"iss\":\"http://localhost:8080\",\"sub\":\"" + UUID.randomUUID()
                + "\",\"aud\":\"http://localhost:8080\",\"exp\":" + (Instant.now().getEpochSecond() + 900)
                + ",\"iat\":" + Instant.now().getEpochSecond() + ",\"jti\":\"" + UUID.randomUUID()
                + "\",\"scope\":\"agent\",\"client_id\":\"github:octo-org/octo-repo\",\"act\":{\"iss\":"
                + "\"https://token.actions.githubusercontent.com\",\"sub\":\"repo:octo-org/octo-repo:ref:refs/heads/main\"},"
                + "\"repository\":\"octo-org/octo-repo\",\"ref\":\"refs/heads/main\"}");
        jws.setKey(SigningAlgorithm.ES256.generateKeyPair().getPrivate());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
