package dev.sentryagent.idp.javalin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The strict percent-decoder every form body and admin query string goes through, against the
 * JDK's: on what the JDK encodes they agree; on random text the strict one answers exactly when
 * the text is well-formed percent-encoding of UTF-8, and then what the JDK answers.
 */
class PercentDecodingFuzzTest {
    static final String ALPHABET = "ab%Z09+=&/~ \u00e9\u20ac%2%e%E9%C3%A9%zz%ff%80%C3%28%f0%9f%98%80";

    @Test
    void decodeWhenGivenWhatTheJdkEncodesThenTheOriginal() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder original = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                original.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x20, 0x2FFF) : random.nextInt(0x20, 0x7F));
            }
            String text = original.toString();
            if (text.chars().anyMatch(c -> Character.isSurrogate((char) c))) {
                continue;
            }
            assertThat(Bodies.decode(URLEncoder.encode(text, StandardCharsets.UTF_8))).as(text).isEqualTo(text);
        }
    }

    @Test
    void decodeWhenGivenRandomTextThenNullExactlyWhenMalformedElseTheJdksAnswer() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(10); n > 0; n--) {
                int at = random.nextInt(ALPHABET.length());
                text.append(ALPHABET, at, Math.min(ALPHABET.length(), at + 1 + random.nextInt(3)));
            }
            String input = text.toString();
            String decoded = Bodies.decode(input);
            String expected = strictReference(input);
            assertThat(decoded).as(input).isEqualTo(expected);
        }
    }

    /** The JDK's decoding, or null where the JDK would be lenient: a bad escape, or bytes that are not UTF-8. */
    static String strictReference(String input) {
        for (int i = 0; i < input.length(); i++) {
            if (input.charAt(i) == '%' && (i + 2 >= input.length() || !hex(input.charAt(i + 1)) || !hex(input.charAt(i + 2)))) {
                return null;
            }
        }
        String lenient = URLDecoder.decode(input, StandardCharsets.ISO_8859_1); // one char per byte, never fails
        byte[] bytes = lenient.getBytes(StandardCharsets.ISO_8859_1);
        boolean nonAscii = input.chars().anyMatch(c -> c > 0x7F);
        if (nonAscii) {
            // raw non-ASCII characters are kept as they are; only the escaped bytes must form UTF-8
            return URLDecoder.decode(input, StandardCharsets.UTF_8).contains("\uFFFD") ? null
                    : URLDecoder.decode(input, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
