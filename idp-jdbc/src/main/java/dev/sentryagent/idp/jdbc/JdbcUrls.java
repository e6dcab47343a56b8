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
     * @param setting the setting's name, for the message
     * @param url the URL to check, may be null
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
     *
     * @param url a JDBC URL, or null
     * @return the URL up to its first {@code ?} or {@code ;}; null for null
     */
    public static String withoutCredentials(String url) {
        return url == null ? null : url.replaceAll("[?;].*", "");
    }
}
