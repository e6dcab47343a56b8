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

    private Glob(String pattern, char[] kinds, char[] chars) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.chars = chars;
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
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    i++;
                    // ** next to * or ** adds nothing: keep one state so the automaton stays small.
                    if (n > 0 && (kinds[n - 1] == GLOBSTAR || kinds[n - 1] == STAR)) {
                        kinds[n - 1] = GLOBSTAR;
                        continue;
                    }
                    kinds[n++] = GLOBSTAR;
                } else {
                    if (n > 0 && (kinds[n - 1] == GLOBSTAR || kinds[n - 1] == STAR)) {
                        continue;
                    }
                    kinds[n++] = STAR;
                }
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

    /** True when the whole of {@code value} matches the whole pattern. */
    public boolean matches(String value) {
        int states = kinds.length + 1; // state i: the first i elements are matched
        boolean[] current = new boolean[states];
        boolean[] next = new boolean[states];
        current[0] = true;
        close(current);
        for (int at = 0; at < value.length(); at++) {
            char c = value.charAt(at);
            Arrays.fill(next, false);
            boolean any = false;
            for (int s = 0; s < kinds.length; s++) {
                if (!current[s]) {
                    continue;
                }
                switch (kinds[s]) {
                    case LITERAL -> {
                        if (chars[s] == c) {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                    case ONE -> {
                        if (c != '/') {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                    case STAR -> {
                        if (c != '/') {
                            next[s] = true;
                            any = true;
                        }
                    }
                    default -> {
                        next[s] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            close(next);
            boolean[] swap = current;
            current = next;
            next = swap;
        }
        return current[kinds.length];
    }

    /** A star may match nothing: whoever reaches it also reaches the state after it. */
    private void close(boolean[] states) {
        for (int s = 0; s < kinds.length; s++) {
            if (states[s] && (kinds[s] == STAR || kinds[s] == GLOBSTAR)) {
                states[s + 1] = true;
            }
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
