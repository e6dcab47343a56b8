package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * The rules every setting of this IdP obeys, in one place: the builders of the library and the
 * standalone server's environment configuration call these, so a rule reads the same wherever a
 * value comes from. Each check names the setting it refuses, and the value.
 */
public final class Settings {
    private Settings() {
    }

    /**
     * Parses {@code value} as an absolute http(s) URL and requires https, or plain http to a
     * loopback host (never resolved through DNS).
     *
     * @throws IllegalArgumentException naming {@code setting} and the rule
     */
    public static URI secureUrl(String setting, String value) {
        URI uri;
        try {
            uri = new URI(value == null ? "" : value);
        } catch (URISyntaxException e) {
            throw notAbsolute(setting, value);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw notAbsolute(setting, value);
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(setting + " must use https (plain http only on loopback), got "
                    + Names.quote(value));
        }
        return uri;
    }

    /**
     * {@link #secureUrl} for a base URL, such as an issuer, that paths are appended to: it must not
     * end with {@code /}.
     *
     * @return {@code value}, unchanged
     * @throws IllegalArgumentException naming {@code setting} and the rule
     */
    public static String baseUrl(String setting, String value) {
        secureUrl(setting, value);
        if (value.endsWith("/")) {
            throw new IllegalArgumentException(setting + " must not end with '/', got " + Names.quote(value));
        }
        return value;
    }

    /** True for {@code localhost} and loopback IP literals; never asks DNS. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Requires {@code min <= value <= max}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming {@code setting} and the bounds, also for null
     */
    public static Duration within(String setting, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static IllegalArgumentException notAbsolute(String setting, String value) {
        return new IllegalArgumentException(setting + " must be an absolute http(s) URL, got " + Names.quote(value));
    }
}
