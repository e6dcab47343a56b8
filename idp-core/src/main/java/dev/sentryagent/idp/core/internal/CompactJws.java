package dev.sentryagent.idp.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jca.ProviderContext;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.JoseException;

/**
 * The JWS compact serialization (RFC 7515, section 7.1) around jose4j's signature algorithms:
 * jose4j signs and verifies, and checks the keys; this class only splits, joins and Base64url-codes
 * the three parts, with the JDK's codec. On the exchange path it replaces {@code JsonWebSignature},
 * whose codec allocates an 8 KiB buffer for every part and which parses the header JSON again for
 * every token (half of all the memory an exchange allocated, see docs/benchmarks.md).
 */
public final class CompactJws {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final ProviderContext PROVIDERS = new ProviderContext();

    private CompactJws() {
    }

    /** The three encoded parts of a compact JWS; {@link #split} checks only their number. */
    public record Parts(String header, String payload, String signature) {
        /**
         * The parts of {@code token}, or null unless it is exactly three parts separated by dots,
         * each only of base64url characters: no padding {@code =}, no whitespace (RFC 7515, section 2).
         */
        public static Parts split(String token) {
            int first = token.indexOf('.');
            int second = first < 0 ? -1 : token.indexOf('.', first + 1);
            if (second < 0 || token.indexOf('.', second + 1) >= 0) {
                return null;
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c != '.' && !isBase64Url(c)) {
                    return null;
                }
            }
            if (!canonical(token, 0, first) || !canonical(token, first + 1, second)
                    || !canonical(token, second + 1, token.length())) {
                return null;
            }
            return new Parts(token.substring(0, first), token.substring(first + 1, second),
                    token.substring(second + 1));
        }

        /** What the signature covers: the ASCII of {@code header.payload}. */
        byte[] signingInput() {
            return (header + '.' + payload).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** jose4j's implementation of JWS algorithm {@code name}, e.g. {@code RS256}. */
    public static JsonWebSignatureAlgorithm algorithm(String name) {
        try {
            return AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(name);
        } catch (JoseException e) {
            throw new IllegalStateException("jose4j has no JWS algorithm " + name, e);
        }
    }

    /** The encoded protected header {@code {"alg":..,"kid":..,"typ":..}}. */
    public static String header(String alg, String kid, String typ) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("kid", kid);
        header.put("typ", typ);
        return encode(JsonUtil.toJson(header));
    }

    /** Base64url without padding, as every part of a compact JWS is encoded. */
    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** Base64url without padding of the UTF-8 of {@code text}. */
    public static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * True when {@code token[from, to)} is the one canonical encoding of its bytes: a length that
     * is not 1 mod 4, and zero in the bits of the last character that encode nothing (the JDK's
     * decoder ignores them, so "AB" and "AC" would decode alike: a second spelling of a token).
     */
    private static boolean canonical(String token, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false;
        }
        if (length % 4 == 0) {
            return true;
        }
        int last = sextet(token.charAt(to - 1));
        return (last & (length % 4 == 2 ? 0x0f : 0x03)) == 0;
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * Decodes one base64url part as UTF-8 text; {@link IllegalArgumentException} if it is not
     * base64url or not valid UTF-8 (a lenient decoder would turn bad bytes into U+FFFD, so two
     * different encodings would read as the same claims).
     */
    public static String decodeText(String part) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(DECODER.decode(part)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
    }

    /**
     * Signs {@code payload} (JSON) under the already encoded {@code encodedHeader}, which must name
     * {@code algorithm}, and returns the compact serialization.
     */
    public static String sign(JsonWebSignatureAlgorithm algorithm, Key key, String encodedHeader, String payload)
            throws JoseException {
        algorithm.validateSigningKey(key);
        Parts unsigned = new Parts(encodedHeader, encode(payload), "");
        byte[] signature = algorithm.sign(algorithm.prepareForSign(key, PROVIDERS), unsigned.signingInput());
        return encodedHeader + '.' + unsigned.payload() + '.' + encode(signature);
    }

    /**
     * True when {@code parts} carry a valid {@code algorithm} signature by {@code key}. False, never
     * an exception, for a signature that is not base64url, a key unfit for the algorithm (an RSA key
     * under 2048 bits, say) or a signature that does not verify.
     */
    public static boolean verify(JsonWebSignatureAlgorithm algorithm, Key key, Parts parts) {
        try {
            algorithm.validateVerificationKey(key);
            return algorithm.verifySignature(DECODER.decode(parts.signature()), key, parts.signingInput(), PROVIDERS);
        } catch (JoseException | IllegalArgumentException e) {
            return false;
        }
    }
}
