package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.InvalidRequestException;
import java.util.Arrays;

/**
 * A glob over a whole value, as trust policies write ref patterns: {@code *} matches any
 * characters except {@code /}, {@code **} any characters including {@code /}, {@code ?} one
 * character except {@code /}; everything else is literal. {@code [}, <code>{</code> and
 * {@code \} are refused by {@link #compile(String, String)} so that no pattern means something
 * else in another tool.
 *
 * <p>Matching simulates the pattern's automaton over a set of states, one pass over the value:
 * time is at most the value's length times the pattern's length, whatever either holds. There is
 * no backtracking, so an attacker's claim value cannot make a match slow. Immutable.
 */
public final class Glob {
    private static final char LITERAL = 0;
    private static final char ONE = 1;
    private static final char STAR = 2;
    private static final char GLOBSTAR = 3;

    private final String pattern;
    private final char[] kinds;
    private final char[] chars;
    // The automaton as bit sets, one bit per state (state i: the first i elements matched).
    private final int words;
    private final long[] starLoop;       // * states: stay on any character but '/'
    private final long[] globstarLoop;   // ** states: stay on any character
    private final long[] stars;          // both: may also match nothing
    private final long[] one;            // ? states: advance on any character but '/'
    private final long[] anyStarLoop;    // * and ** states: stay on a character other than '/'
    private final long[][] asciiAdvance; // states advancing on each ASCII character: its literals and ?
    private final java.util.Map<Character, long[]> otherAdvance;
    private final long[] accept;

    private Glob(String pattern, char[] kinds, char[] chars) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.chars = chars;
        int states = kinds.length + 1;
        this.words = (states + 63) / 64;
        this.starLoop = new long[words];
        this.globstarLoop = new long[words];
        this.stars = new long[words];
        this.one = new long[words];
        long[][] literals = new long[128][];
        java.util.Map<Character, long[]> otherLiterals = new java.util.HashMap<>();
        for (int s = 0; s < kinds.length; s++) {
            switch (kinds[s]) {
                case STAR -> {
                    set(starLoop, s);
                    set(stars, s);
                }
                case GLOBSTAR -> {
                    set(globstarLoop, s);
                    set(stars, s);
                }
                case ONE -> set(one, s);
                default -> {
                    char c = chars[s];
                    long[] mask;
                    if (c < 128) {
                        mask = literals[c] == null ? (literals[c] = new long[words]) : literals[c];
                    } else {
                        mask = otherLiterals.computeIfAbsent(c, k -> new long[words]);
                    }
                    set(mask, s);
                }
            }
        }
        this.anyStarLoop = or(starLoop, globstarLoop);
        this.asciiAdvance = new long[128][];
        for (char c = 0; c < 128; c++) {
            long[] literal = literals[c] == null ? new long[words] : literals[c];
            asciiAdvance[c] = c == '/' ? literal : or(literal, one);
        }
        this.otherAdvance = new java.util.HashMap<>();
        otherLiterals.forEach((c, literal) -> otherAdvance.put(c, or(literal, one)));
        this.accept = new long[words];
        set(accept, kinds.length);
    }

    private static long[] or(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] | b[i];
        }
        return out;
    }

    private static void set(long[] bits, int index) {
        bits[index >>> 6] |= 1L << (index & 63);
    }

    /**
     * Compiles {@code pattern}.
     *
     * @param field the field named in the error, e.g. {@code conditions.refs}
     * @throws InvalidRequestException naming the field when the pattern holds {@code [},
     *     <code>{</code> or {@code \}
     */
    public static Glob compile(String field, String pattern) {
        char[] kinds = new char[pattern.length()];
        char[] chars = new char[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '[' || c == '{' || c == '\\') {
                throw new InvalidRequestException(field + " must not contain '" + c
                        + "': patterns know only *, ** and ?, got " + Names.quote(pattern));
            }
            if (c == '*') {
                boolean doubled = i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
                if (doubled) {
                    i++;
                }
                // A star next to a star adds nothing but states: keep one, ** if either was.
                if (n > 0 && (kinds[n - 1] == GLOBSTAR || kinds[n - 1] == STAR)) {
                    if (doubled) {
                        kinds[n - 1] = GLOBSTAR;
                    }
                    continue;
                }
                kinds[n++] = doubled ? GLOBSTAR : STAR;
            } else if (c == '?') {
                kinds[n++] = ONE;
            } else {
                kinds[n] = LITERAL;
                chars[n++] = c;
            }
        }
        return new Glob(pattern, Arrays.copyOf(kinds, n), Arrays.copyOf(chars, n));
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    /** True when the pattern has no wildcard, so it matches exactly one value. */
    public boolean isLiteral() {
        for (char kind : kinds) {
            if (kind != LITERAL) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when the whole of {@code value} matches the whole pattern. One pass over the value,
     * each character costing a few operations per 64 states of the pattern (Shift-And).
     */
    public boolean matches(String value) {
        long[] current = new long[words];
        long[] next = new long[words];
        current[0] = 1L;
        close(current);
        for (int at = 0; at < value.length(); at++) {
            char c = value.charAt(at);
            long[] advance = c < 128 ? asciiAdvance[c] : otherAdvance.getOrDefault(c, one);
            long[] stay = c == '/' ? globstarLoop : anyStarLoop;
            long any = 0;
            long carry = 0;
            for (int w = 0; w < words; w++) {
                long d = current[w];
                long advancing = d & advance[w];
                long staying = d & stay[w];
                long shifted = (advancing << 1) | carry;
                carry = advancing >>> 63;
                next[w] = shifted | staying;
                any |= next[w];
            }
            if (any == 0) {
                return false;
            }
            close(next);
            long[] swap = current;
            current = next;
            next = swap;
        }
        return (current[kinds.length >>> 6] & accept[kinds.length >>> 6]) != 0;
    }

    /** A star may match nothing: a state at a star also reaches the next (never itself a star). */
    private void close(long[] states) {
        long carry = 0;
        for (int w = 0; w < words; w++) {
            long atStar = states[w] & stars[w];
            long shifted = (atStar << 1) | carry;
            carry = atStar >>> 63;
            states[w] |= shifted;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
