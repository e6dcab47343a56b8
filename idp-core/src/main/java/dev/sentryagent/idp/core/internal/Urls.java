package dev.sentryagent.idp.core.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/** URL rules for fetching key material: https, or plain http on loopback only. */
public final class Urls {
    private Urls() {
    }

    /** Parses {@code value} and requires https, or http to a loopback host; the message names {@code setting}. */
    public static URI secure(String setting, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException(setting + " must be an absolute URL, got " + Names.quote(value));
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            throw new IllegalArgumentException(setting + " must be an absolute URL, got " + Names.quote(value));
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()))) {
            return uri;
        }
        throw new IllegalArgumentException(setting + " must use https (plain http only on loopback), got "
                + Names.quote(value));
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
}
