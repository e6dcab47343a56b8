package dev.sentryagent.idp.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The glob matcher of ref patterns: against a reference implementation, and never slow. */
class GlobTest {

    /**
     * The reference: the definition written as a recursion over both strings. Exponential in the
     * worst case, so only fed short inputs.
     */
    static boolean reference(String pattern, int p, String value, int v) {
        if (p == pattern.length()) {
            return v == value.length();
        }
        char c = pattern.charAt(p);
        if (c == '*') {
            boolean doubled = p + 1 < pattern.length() && pattern.charAt(p + 1) == '*';
            int next = doubled ? p + 2 : p + 1;
            for (int end = v; end <= value.length(); end++) {
                if (end > v && !doubled && value.charAt(end - 1) == '/') {
                    return false; // a single star stops at the first slash
                }
                if (reference(pattern, next, value, end)) {
                    return true;
                }
            }
            return false;
        }
        if (v == value.length()) {
            return false;
        }
        if (c == '?') {
            return value.charAt(v) != '/' && reference(pattern, p + 1, value, v + 1);
        }
        return c == value.charAt(v) && reference(pattern, p + 1, value, v + 1);
    }

    static String random(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    @Test
    void matchesAgreesWithTheReferenceOnRandomPatternsAndValues() {
        Random random = new Random(20261201L);
        int matched = 0;
        for (int i = 0; i < 50_000; i++) {
            String pattern = random(random, "ab/*?", 8);
            String value = random.nextBoolean() ? random(random, "ab/", 10)
                    : pattern.replace("**", "a/b").replace('*', 'a').replace('?', 'b'); // a likely match
            boolean expected = reference(pattern, 0, value, 0);
            assertThat(Glob.compile("f", pattern).matches(value))
                    .as("pattern %s value %s", pattern, value).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        assertThat(matched).as("the generator must produce matches too").isGreaterThan(5_000);
    }

    @ParameterizedTest
    @CsvSource({
            "refs/heads/*, refs/heads/main, true",
            "refs/heads/*, refs/heads/feature/x, false",
            "refs/heads/**, refs/heads/feature/x, true",
            "refs/heads/**, refs/heads/, true",
            "refs/tags/v*, refs/tags/v1.2.3, true",
            "refs/tags/v*, refs/tags/1.2.3, false",
            "refs/tags/v?, refs/tags/v1, true",
            "refs/tags/v?, refs/tags/v10, false",
            "refs/heads/a?b, refs/heads/a/b, false",
            "refs/heads/main, refs/heads/main2, false",
            "refs/heads/main, refs/heads/mai, false",
            "refs/heads/release/**/fix, refs/heads/release/1/2/fix, true",
            "refs/heads/*.x, refs/heads/1.x, true"})
    void matchesWholeValueOnly(String pattern, String value, boolean expected) {
        assertThat(Glob.compile("conditions.refs", pattern).matches(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/[ab]", "refs/heads/{a,b}", "refs/heads/a\\*"})
    void compileWhenMetacharacterThenRefusedNamingFieldAndCharacter(String pattern) {
        assertThatThrownBy(() -> Glob.compile("conditions.refs", pattern))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("conditions.refs must not contain '" + pattern.charAt(pattern.indexOf(pattern.chars()
                        .filter(c -> c == '[' || c == '{' || c == '\\').mapToObj(c -> String.valueOf((char) c))
                        .findFirst().orElseThrow())) + "': patterns know only *, ** and ?, got \"" + pattern + "\"");
    }

    @Test
    void matchesWhenPathologicalPatternAnd4KiBValueThenFast() {
        // Star-heavy patterns against a long value that almost matches take a backtracking matcher
        // exponential time (or quadratic per star). The automaton is one pass over the value.
        String value = "refs/heads/" + "a".repeat(4096 - 11);
        String withSlashes = "refs/heads/" + "a/".repeat((4096 - 11) / 2);
        List<Map.Entry<Glob, String>> cases = List.of(
                Map.entry(Glob.compile("f", "refs/heads/" + "a*".repeat(60) + "ab"), value + "c"),
                Map.entry(Glob.compile("f", "refs/heads/" + "**a".repeat(60) + "/b"), withSlashes + "c"),
                Map.entry(Glob.compile("f", "refs/heads/" + "*?".repeat(60) + "a"), value + "/"));
        for (Map.Entry<Glob, String> c : cases) {
            for (int i = 0; i < 200; i++) {
                c.getKey().matches(c.getValue()); // warm up: this guards the algorithm, not the JIT
            }
            long start = System.nanoTime();
            boolean any = false;
            for (int i = 0; i < 1000; i++) {
                any |= c.getKey().matches(c.getValue());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(any).isFalse();
            // A guard against catastrophic backtracking, not a performance claim: about 50 ms on an idle
            // core, the bound is generous for a CI machine running several builds. A backtracking
            // matcher takes far longer than this on any of the three (exponentially so on the first).
            assertThat(millis).as("1000 matches of %s", c.getKey()).isLessThan(2_000);
        }
    }
}
