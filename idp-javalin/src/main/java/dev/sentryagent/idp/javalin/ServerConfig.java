package dev.sentryagent.idp.javalin;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.internal.Urls;
import dev.sentryagent.idp.jdbc.JdbcStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The standalone server's settings, read from environment variables. Every bad value is refused
 * with one sentence naming the variable; secrets are never echoed.
 *
 * @param port {@code IDP_PORT}, 0 for any free port
 * @param issuer {@code IDP_ISSUER}
 * @param audience {@code IDP_AUDIENCE}
 * @param dbUrl {@code IDP_DB_URL}
 * @param dbUser {@code IDP_DB_USER}
 * @param dbPassword {@code IDP_DB_PASSWORD}
 * @param adminToken {@code IDP_ADMIN_TOKEN}, or null: admin routes off
 * @param githubIssuer {@code IDP_GITHUB_ISSUER}
 * @param githubJwksUrl {@code IDP_GITHUB_JWKS_URL}, or null: discovered
 * @param tokenTtl {@code IDP_TOKEN_TTL}
 * @param clockSkew {@code IDP_CLOCK_SKEW}
 * @param signingAlgorithm {@code IDP_SIGNING_ALGORITHM}
 * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY} (base64, 32 bytes), or null
 * @param introspectionToken {@code IDP_INTROSPECTION_TOKEN}, or null: only the admin token introspects
 * @param auditRetention {@code IDP_AUDIT_RETENTION}, default 30 days
 * @param trustedProxies {@code IDP_TRUSTED_PROXIES}: whose {@code X-Forwarded-For} names the client
 */
public record ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                           AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                           Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey,
                           AdminToken introspectionToken, Duration auditRetention, TrustedProxies trustedProxies) {
    /** The default audit retention. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(30);

    public ServerConfig {
        auditRetention = auditRetention == null ? DEFAULT_AUDIT_RETENTION : auditRetention;
        trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
    }

    /** Settings without an introspection token, with the default audit retention and no trusted proxy. */
    public ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                        AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                        Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey) {
        this(port, issuer, audience, dbUrl, dbUser, dbPassword, adminToken, githubIssuer, githubJwksUrl, tokenTtl,
                clockSkew, signingAlgorithm, keyEncryptionKey, null, null, null);
    }

    /** Reads the settings from {@code env}. @throws IllegalArgumentException naming the variable */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        int port = port(value(env, "IDP_PORT", "8080"));
        String issuer = url("IDP_ISSUER", value(env, "IDP_ISSUER", "http://localhost:" + (port == 0 ? 8080 : port)));
        String audience = value(env, "IDP_AUDIENCE", issuer);
        String dbUrl = value(env, "IDP_DB_URL", JdbcStore.DEFAULT_URL);
        if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("IDP_DB_URL must be an H2 (jdbc:h2:...) or PostgreSQL "
                    + "(jdbc:postgresql://...) JDBC URL");
        }
        String admin = env.get("IDP_ADMIN_TOKEN");
        AdminToken adminToken = null;
        if (admin != null && !admin.isEmpty()) {
            try {
                adminToken = AdminToken.parse(admin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IDP_ADMIN_TOKEN: " + e.getMessage());
            }
        }
        String githubIssuer = url("IDP_GITHUB_ISSUER", value(env, "IDP_GITHUB_ISSUER", GitHubProvider.GITHUB_COM_ISSUER));
        String jwks = env.get("IDP_GITHUB_JWKS_URL");
        String githubJwks = jwks == null || jwks.isEmpty() ? null : url("IDP_GITHUB_JWKS_URL", jwks);
        Duration ttl = duration("IDP_TOKEN_TTL", value(env, "IDP_TOKEN_TTL", "PT15M"), Duration.ofMinutes(1),
                Duration.ofHours(1));
        Duration skew = duration("IDP_CLOCK_SKEW", value(env, "IDP_CLOCK_SKEW", "PT60S"), Duration.ZERO,
                Duration.ofMinutes(5));
        SigningAlgorithm algorithm;
        try {
            algorithm = SigningAlgorithm.fromJwsName(value(env, "IDP_SIGNING_ALGORITHM", "ES256"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("IDP_SIGNING_ALGORITHM must be one of ES256, ES384, RS256, EdDSA");
        }
        byte[] kek = null;
        String kekText = env.get("IDP_KEY_ENCRYPTION_KEY");
        if (kekText != null && !kekText.isEmpty()) {
            try {
                kek = Base64.getDecoder().decode(kekText);
            } catch (IllegalArgumentException e) {
                kek = new byte[0];
            }
            if (kek.length != 32) {
                throw new IllegalArgumentException("IDP_KEY_ENCRYPTION_KEY must be 32 bytes in base64 "
                        + "(e.g. openssl rand -base64 32)");
            }
        }
        String introspection = env.get("IDP_INTROSPECTION_TOKEN");
        AdminToken introspectionToken = null;
        if (introspection != null && !introspection.isEmpty()) {
            try {
                introspectionToken = AdminToken.parse(introspection);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IDP_INTROSPECTION_TOKEN: " + e.getMessage().replace("admin token",
                        "introspection token"));
            }
            if (adminToken != null && admin.equals(introspection)) {
                throw new IllegalArgumentException("IDP_INTROSPECTION_TOKEN must differ from IDP_ADMIN_TOKEN");
            }
        }
        Duration auditRetention = duration("IDP_AUDIT_RETENTION", value(env, "IDP_AUDIT_RETENTION", "P30D"),
                Duration.ofHours(1), Duration.ofDays(3650));
        TrustedProxies proxies;
        try {
            proxies = TrustedProxies.parse(env.get("IDP_TRUSTED_PROXIES"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("IDP_TRUSTED_PROXIES: " + e.getMessage()
                    + "; give comma-separated IP addresses or CIDR ranges");
        }
        return new ServerConfig(port, issuer, audience, dbUrl, env.getOrDefault("IDP_DB_USER", ""),
                env.getOrDefault("IDP_DB_PASSWORD", ""), adminToken, githubIssuer, githubJwks, ttl, skew, algorithm, kek,
                introspectionToken, auditRetention, proxies);
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("IDP_PORT must be a number between 0 and 65535, got \"" + value + "\"");
    }

    /** An absolute URL without a trailing slash: https, or http on a loopback host. */
    private static String url(String name, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL, got \"" + value + "\"");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL, got \"" + value + "\"");
        }
        if (scheme.equals("http") && !Urls.isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(name + " must use https (plain http only on loopback), got \""
                    + value + "\"");
        }
        if (value.endsWith("/")) {
            throw new IllegalArgumentException(name + " must not end with '/', got \"" + value + "\"");
        }
        return value;
    }

    private static Duration duration(String name, String value, Duration min, Duration max) {
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT15M, got \"" + value + "\"");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return d;
    }

    /** Never shows secrets. */
    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", issuer=" + issuer + ", audience=" + audience + ", db="
                + dbUrl.replaceAll("[?;].*", "") + ", admin=" + (adminToken != null) + ", githubIssuer=" + githubIssuer
                + ", tokenTtl=" + tokenTtl + ", clockSkew=" + clockSkew + ", algorithm=" + signingAlgorithm.jwsName()
                + ", keyEncryption=" + (keyEncryptionKey != null) + ", introspection=" + (introspectionToken != null)
                + ", auditRetention=" + auditRetention + ", trustedProxies=" + trustedProxies + "]";
    }
}
