package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;

/**
 * Values an attacker may control (a claim, a path, a header, an error message quoting one), made
 * safe for one log line: the one public home of the rule, for the modules around the core (the
 * HTTP routes, the standalone server) and for applications that log requests the same way.
 */
public final class LogText {
    private LogText() {
    }

    /**
     * {@code value} for a log line: control, format and separator characters (line breaks, bidi
     * overrides, zero-width marks, U+2028) become backslash-u escapes, a backslash and a double
     * quote are escaped, and it is cut after 256 characters, so that a value can neither forge a
     * line nor hide text.
     *
     * @param value any value, or null
     * @return the escaped text; {@code "null"} for null
     */
    public static String escape(Object value) {
        return Names.loggable(value);
    }
}
