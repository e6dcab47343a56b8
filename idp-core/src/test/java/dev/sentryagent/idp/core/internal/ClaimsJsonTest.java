package dev.sentryagent.idp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.Test;

class ClaimsJsonTest {
    private static final String GITHUB_CLAIMS = "{\"jti\":\"6f2a1c3e-8e34-4a4b-9f0e-2d1e4f5a6b7c\","
            + "\"sub\":\"repo:octo-org/octo-repo:ref:refs/heads/main\",\"aud\":[\"https://idp.example\",\"x\"],"
            + "\"ref\":\"refs/heads/main\",\"repository\":\"octo-org/octo-repo\",\"repository_id\":\"100\","
            + "\"run_id\":4242,\"run_attempt\":1.5,\"enabled\":true,\"nothing\":null,\"esc\":\"a\\u0041\\n\\\"b\","
            + "\"nested\":{\"k\":[1,2,{\"z\":\"\u00e9\"}]},\"iss\":\"https://token.actions.githubusercontent.com\","
            + "\"iat\":1764600000,\"exp\":1764600300}";

    @Test
    void whenClaimsParseThenTheyEqualJose4jsOwnParse() throws Exception {
        assertEquals(JwtClaims.parse(GITHUB_CLAIMS).getClaimsMap(), ClaimsJson.parse(GITHUB_CLAIMS).getClaimsMap());
    }

    @Test
    void whenAMemberNameIsRepeatedThenTheClaimsAreRefused() {
        // The attack: {"repository":"victim/repo", ..., "repository":"attacker/repo"}, read one way by a
        // policy check and the other way by whatever logs or forwards the claims.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClaimsJson.parse("{\"repository\":\"a/b\",\"sub\":\"x\",\"repository\":\"c/d\"}"));
        assertEquals("the member repository is given more than once", e.getMessage());
        assertThrows(InvalidJwtException.class,
                () -> JwtClaims.parse("{\"repository\":\"a/b\",\"sub\":\"x\",\"repository\":\"c/d\"}"));
    }

    @Test
    void whenTheDocumentIsNotAnObjectThenItIsRefused() {
        for (String json : new String[] {"[1,2]", "\"text\"", "42", "null", "", "{", "{\"a\":1}}", "{\"a\":1} x"}) {
            assertThrows(IllegalArgumentException.class, () -> ClaimsJson.parse(json), json);
        }
    }

    @Test
    void whenAParseFailsThenTheThreadsNextParseIsUnaffected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ClaimsJson.parse("{\"a\":[1,2,{\"b\":"));
        assertEquals(JwtClaims.parse(GITHUB_CLAIMS).getClaimsMap(), ClaimsJson.parse(GITHUB_CLAIMS).getClaimsMap());
    }

    /**
     * Differential fuzzing against jose4j's JwtClaims.parse: for thousands of mutations of a real
     * claims document (bytes flipped, inserted, deleted, duplicated), both accept or both refuse, and
     * what they accept is the same map.
     */
    @Test
    void whenFuzzedThenItAcceptsExactlyWhatJose4jAccepts() {
        Random random = new Random(20261201L);
        String alphabet = "{}[]\":,\\ u0aeE+-.tfnl1\u00e9\u0000\u2028";
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder doc = new StringBuilder(GITHUB_CLAIMS);
            for (int m = random.nextInt(3) + 1; m > 0; m--) {
                int at = random.nextInt(doc.length());
                switch (random.nextInt(4)) {
                    case 0 -> doc.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> doc.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> doc.deleteCharAt(at);
                    default -> {
                        int end = Math.min(doc.length(), at + random.nextInt(40));
                        doc.insert(at, doc.substring(at, end));
                    }
                }
            }
            String json = doc.toString();
            Object ours;
            try {
                ours = ClaimsJson.parse(json).getClaimsMap();
            } catch (IllegalArgumentException e) {
                ours = "refused";
            }
            Object theirs;
            try {
                theirs = JwtClaims.parse(json).getClaimsMap();
            } catch (InvalidJwtException e) {
                theirs = "refused";
            }
            assertEquals(theirs, ours, json);
            if (!"refused".equals(ours)) {
                accepted++;
            }
        }
        // The mutations must exercise both outcomes, or the comparison proves little.
        assertEquals(true, accepted > 1_000 && accepted < 19_000, "accepted " + accepted);
    }
}
