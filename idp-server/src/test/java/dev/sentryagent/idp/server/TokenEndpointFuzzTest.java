package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.Http;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated tokens and bodies against the token endpoint of the real server, from a
 * seeded generator (a failure names its seed and case, so it replays exactly): every answer is a
 * 4xx with the contract's error body, never a 500, and nothing is admitted.
 */
class TokenEndpointFuzzTest extends ServerFixture {
    static final String ADMIN = "fuzz-admin-secret-0123456789-abcdefghijk";
    static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    static final int TOKEN_CASES = Integer.getInteger("fuzz.tokens", 2000);
    static final int BODY_CASES = Integer.getInteger("fuzz.bodies", 1000);
    static final String REPOSITORY = "octo-org/fuzzed";
    static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static final String[] ODD = {"=", "==", ".", "..", " ", "\t", "\n", "+", "/", "%", "\u0000", "\u202E", "\u2028",
        "\uFEFF", "\u00ff", "é", "\uD83D\uDE00", "\"", "\\", "{", "}", "null", "e30", "AAAA"};

    TokenEndpointFuzzTest() {
        super(ADMIN);
    }

    @BeforeAll
    void createData() {
        assertThat(http.postJson("/api/v1/oidc/trust-policies", map("repository", REPOSITORY), ADMIN).status())
                .isEqualTo(201);
        // The unmutated token is admitted: the mutations below are what makes the difference.
        assertThat(http.exchange(github.token().repository(REPOSITORY).mint(), null).status()).isEqualTo(200);
    }

    static void assertRefusedWithErrorBody(Http.Response r, String what) {
        assertThat(r.status()).as(what + " -> " + r.body()).isBetween(400, 499);
        JsonNode body = r.json();
        assertThat(body.path("error").isTextual()).as(what + " -> " + r.body()).isTrue();
        assertThat(body.path("error_description").isTextual()).as(what + " -> " + r.body()).isTrue();
        assertThat(r.body()).as(what).doesNotContainIgnoringCase("sqlstate").doesNotContain("Exception");
    }

    @Test
    void whenTokensAreMutatedThenEveryAnswerIsA4xxErrorAndNoneIsAdmitted() {
        Random random = new Random(SEED);
        for (int i = 0; i < TOKEN_CASES; i++) {
            String token = github.token().repository(REPOSITORY).mint();
            String mutated = mutate(token, random);
            if (mutated.equals(token)) {
                continue;
            }
            Http.Response r = random.nextBoolean() ? http.exchange(mutated, null)
                    : http.postForm("/api/v1/oidc/token", java.util.Map.of(
                            "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                            "subject_token", mutated,
                            "subject_token_type", "urn:ietf:params:oauth:token-type:id_token"));
            assertRefusedWithErrorBody(r, "seed " + SEED + " case " + i);
        }
    }

    @Test
    void whenBodiesAreMutatedThenEveryAnswerIsA4xxErrorAndNoneIsAdmitted() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < BODY_CASES; i++) {
            String token = github.token().repository(REPOSITORY).mint();
            boolean json = random.nextBoolean();
            String body = json ? mutate("{\"token\":\"" + token + "\",\"provider\":\"github\"}", random)
                    : mutate("grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange",
                            StandardCharsets.UTF_8) + "&subject_token=" + token + "&subject_token_type="
                            + URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", StandardCharsets.UTF_8),
                    random);
            String contentType = random.nextInt(10) == 0 ? pick(random, "text/plain", "application/jsonx", "",
                    "application/json; charset=latin1", "multipart/form-data")
                    : json ? "application/json" : "application/x-www-form-urlencoded";
            Http.Response r = http.send("POST", "/api/v1/oidc/token", contentType.isEmpty() ? null : contentType,
                    body, null);
            if (r.status() == 200) {
                // A mutation that left a valid request intact (e.g. whitespace in the JSON) is
                // fine once; the token it carried must now be spent.
                assertThat(http.exchange(token, null).status()).as("seed " + (SEED + 1) + " case " + i).isEqualTo(401);
                continue;
            }
            assertRefusedWithErrorBody(r, "seed " + (SEED + 1) + " case " + i + " body " + body);
        }
    }

    static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    /** One to three random edits: flip, insert, delete, duplicate, truncate, swap the parts. */
    static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(8)) {
                case 0 -> out.setCharAt(at, other(out.charAt(at), random));
                case 1 -> out.insert(at, ODD[random.nextInt(ODD.length)]);
                case 2 -> out.deleteCharAt(at);
                case 3 -> out.setLength(at);
                case 4 -> out.insert(at, out.substring(at, Math.min(out.length(), at + 1 + random.nextInt(40))));
                case 5 -> {
                    String[] parts = out.toString().split("\\.", -1);
                    if (parts.length == 3) {
                        out.setLength(0);
                        out.append(parts[1]).append('.').append(parts[0]).append('.').append(parts[2]);
                    } else {
                        out.append('.');
                    }
                }
                case 6 -> out.replace(at, Math.min(out.length(), at + 4), randomText(random, 1 + random.nextInt(8)));
                default -> out.setCharAt(at, BASE64URL.charAt(random.nextInt(BASE64URL.length())));
            }
        }
        return out.toString();
    }

    static char other(char c, Random random) {
        char next;
        do {
            next = BASE64URL.charAt(random.nextInt(BASE64URL.length()));
        } while (next == c);
        return next;
    }

    static String randomText(Random random, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(random.nextInt(4) == 0 ? ODD[random.nextInt(ODD.length)]
                    : String.valueOf(BASE64URL.charAt(random.nextInt(BASE64URL.length()))));
        }
        return out.toString();
    }
}
