package dev.sentryagent.idp.jdbc;

/**
 * The JDBC URL rules of this store, in one place for the store's builder and the standalone
 * server's configuration: which databases it supports, and how a URL is shown in logs and errors.
 */
public final class JdbcUrls {
    private JdbcUrls() {
    }

    /**
     * Requires an H2 ({@code jdbc:h2:...}) or PostgreSQL ({@code jdbc:postgresql://...}) URL.
     *
     * @return {@code url}
     * @throws IllegalArgumentException naming {@code setting}; the value is shown without credentials
     */
    public static String requireSupported(String setting, String url) {
        if (url == null || !(url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException(setting + " must be an H2 (jdbc:h2:...) or PostgreSQL "
                    + "(jdbc:postgresql://...) JDBC URL, got \"" + withoutCredentials(url) + "\"");
        }
        return url;
    }

    /**
     * {@code url} without its parameters, where drivers take user and password
     * ({@code ?password=...}, {@code ;PASSWORD=...}): safe for logs and error messages.
     */
    public static String withoutCredentials(String url) {
        return url == null ? null : url.replaceAll("[?;].*", "");
    }
}
