package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.GitLabProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.Settings;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.TrustedProxies;
import dev.sentryagent.idp.jdbc.JdbcStore;
import dev.sentryagent.idp.jdbc.JdbcUrls;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.regex.Pattern;

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
 * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY} (base64, 32 bytes), or null; required when
 *     the issuer is not a loopback URL
 * @param host {@code IDP_HOST}: the bind address, default {@code 0.0.0.0}
 * @param requestTimeout {@code IDP_REQUEST_TIMEOUT}: a request not fully received by then is cut off
 * @param providers {@code IDP_PROVIDERS} and each one's {@code IDP_PROVIDER_<NAME>_...} variables; null
 *     or empty: one provider {@code github} of {@code githubIssuer}, {@code githubJwksUrl} and {@code audience}
 * @param introspectionToken {@code IDP_INTROSPECTION_TOKEN}, or null: only the admin token introspects
 * @param auditRetention {@code IDP_AUDIT_RETENTION}, default 30 days
 * @param trustedProxies {@code IDP_TRUSTED_PROXIES}: whose {@code X-Forwarded-For} names the client
 */
public record ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                           AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                           Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey,
                           String host, Duration requestTimeout, List<ProviderSettings> providers,
                           AdminToken introspectionToken, Duration auditRetention, TrustedProxies trustedProxies) {
    /** {@code IDP_HOST}'s default: every interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** {@code IDP_REQUEST_TIMEOUT}'s default. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The default audit retention. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(30);

    private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9-]{1,32}");

    /**
     * Fills the defaults: the one {@code github} provider when none is given, the default audit retention, no trusted proxy. Validating each value is {@link #fromEnvironment(Map)}'s job, which names the variable.
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
     * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY}, or null
     * @param host {@code IDP_HOST}, not null
     * @param requestTimeout {@code IDP_REQUEST_TIMEOUT}, not null
     * @param providers the trusted providers; null or empty: one provider {@code github} of {@code githubIssuer}, {@code githubJwksUrl} and {@code audience}
     * @param introspectionToken {@code IDP_INTROSPECTION_TOKEN}, or null
     * @param auditRetention {@code IDP_AUDIT_RETENTION}, or null: {@link #DEFAULT_AUDIT_RETENTION}
     * @param trustedProxies {@code IDP_TRUSTED_PROXIES}, or null: {@link TrustedProxies#NONE}
     * @throws NullPointerException without {@code host} or {@code requestTimeout}
     */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        providers = providers == null || providers.isEmpty()
                ? List.of(new ProviderSettings(ProviderSettings.GITHUB, ProviderSettings.GITHUB, githubIssuer,
                githubJwksUrl, audience))
                : List.copyOf(providers);
        auditRetention = auditRetention == null ? DEFAULT_AUDIT_RETENTION : auditRetention;
        trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
    }

    /**
     * Settings with the one provider {@code github} of {@code githubIssuer}, {@code githubJwksUrl} and {@code audience}.
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
     * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY}, or null
     * @param host {@code IDP_HOST}, not null
     * @param requestTimeout {@code IDP_REQUEST_TIMEOUT}, not null
     * @param introspectionToken {@code IDP_INTROSPECTION_TOKEN}, or null
     * @param auditRetention {@code IDP_AUDIT_RETENTION}, or null: {@link #DEFAULT_AUDIT_RETENTION}
     * @param trustedProxies {@code IDP_TRUSTED_PROXIES}, or null: {@link TrustedProxies#NONE}
     */
    public ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                        AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                        Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey,
                        String host, Duration requestTimeout, AdminToken introspectionToken,
                        Duration auditRetention, TrustedProxies trustedProxies) {
        this(port, issuer, audience, dbUrl, dbUser, dbPassword, adminToken, githubIssuer, githubJwksUrl, tokenTtl,
                clockSkew, signingAlgorithm, keyEncryptionKey, host, requestTimeout, null, introspectionToken,
                auditRetention, trustedProxies);
    }

    /**
     * These settings with other providers trusted (the {@code github*} fields are then ignored).
     *
     * @param providers the providers to trust; null or empty: the one {@code github} provider
     * @return a copy of these settings with {@code providers}
     */
    public ServerConfig withProviders(List<ProviderSettings> providers) {
        return new ServerConfig(port, issuer, audience, dbUrl, dbUser, dbPassword, adminToken, githubIssuer,
                githubJwksUrl, tokenTtl, clockSkew, signingAlgorithm, keyEncryptionKey, host, requestTimeout, providers,
                introspectionToken, auditRetention, trustedProxies);
    }

    /**
     * Settings as version 1 had them: bound to every interface, the default request timeout.
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
     * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY}, or null
     */
    public ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                        AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                        Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey) {
        this(port, issuer, audience, dbUrl, dbUser, dbPassword, adminToken, githubIssuer, githubJwksUrl, tokenTtl,
                clockSkew, signingAlgorithm, keyEncryptionKey, DEFAULT_HOST, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Settings without an introspection token, with the default audit retention and no trusted proxy.
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
     * @param keyEncryptionKey {@code IDP_KEY_ENCRYPTION_KEY}, or null
     * @param host {@code IDP_HOST}, not null
     * @param requestTimeout {@code IDP_REQUEST_TIMEOUT}, not null
     */
    public ServerConfig(int port, String issuer, String audience, String dbUrl, String dbUser, String dbPassword,
                        AdminToken adminToken, String githubIssuer, String githubJwksUrl, Duration tokenTtl,
                        Duration clockSkew, SigningAlgorithm signingAlgorithm, byte[] keyEncryptionKey,
                        String host, Duration requestTimeout) {
        this(port, issuer, audience, dbUrl, dbUser, dbPassword, adminToken, githubIssuer, githubJwksUrl, tokenTtl,
                clockSkew, signingAlgorithm, keyEncryptionKey, host, requestTimeout, null, null, null, null);
    }

    /**
     * Reads the settings from {@code env}, applying the defaults of the HTTP contract.
     *
     * @param env the environment, e.g. {@code System.getenv()}
     * @return the settings
     * @throws IllegalArgumentException naming the variable, for a bad or missing value (never echoing a secret)
     */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        int port = port(value(env, "IDP_PORT", "8080"));
        String issuer = url("IDP_ISSUER", value(env, "IDP_ISSUER", "http://localhost:" + (port == 0 ? 8080 : port)));
        String audience = value(env, "IDP_AUDIENCE", issuer);
        String dbUrl = JdbcUrls.requireSupported("IDP_DB_URL", value(env, "IDP_DB_URL", JdbcStore.DEFAULT_URL));
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
        List<ProviderSettings> providers = providers(env, audience);
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
        if (kek == null && !Settings.isLoopback(URI.create(issuer).getHost())) {
            // Without it, anyone who can read the database file can mint tokens this IdP accepts.
            throw new IllegalArgumentException("IDP_KEY_ENCRYPTION_KEY is required when IDP_ISSUER is not a loopback "
                    + "URL: it wraps the private signing keys at rest (e.g. openssl rand -base64 32)");
        }
        String host = host(value(env, "IDP_HOST", DEFAULT_HOST));
        Duration requestTimeout = duration("IDP_REQUEST_TIMEOUT", value(env, "IDP_REQUEST_TIMEOUT", "PT10S"),
                Duration.ofSeconds(1), Duration.ofMinutes(5));
        return new ServerConfig(port, issuer, audience, dbUrl, env.getOrDefault("IDP_DB_USER", ""),
                env.getOrDefault("IDP_DB_PASSWORD", ""), adminToken, githubIssuer, githubJwks, ttl, skew, algorithm, kek,
                host, requestTimeout, providers, introspectionToken, auditRetention, proxies);
    }

    /**
     * {@code IDP_PROVIDERS} (default {@code github}) and, per name, {@code IDP_PROVIDER_<NAME>_TYPE},
     * {@code _ISSUER}, {@code _JWKS_URL}, {@code _AUDIENCE}; {@code IDP_GITHUB_ISSUER} and
     * {@code IDP_GITHUB_JWKS_URL} are aliases for the provider named {@code github}.
     */
    private static List<ProviderSettings> providers(Map<String, String> env, String audience) {
        String list = value(env, "IDP_PROVIDERS", ProviderSettings.GITHUB);
        List<ProviderSettings> providers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : list.split(",", -1)) {
            String name = entry.strip();
            if (!PROVIDER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("IDP_PROVIDERS must be comma-separated provider names of 1 to 32 "
                        + "lower-case letters, digits and hyphens, got \"" + printable(list) + "\"");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("IDP_PROVIDERS names provider " + name + " twice");
            }
            String prefix = "IDP_PROVIDER_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
            String type = value(env, prefix + "TYPE", name.equals(ProviderSettings.GITHUB)
                    || name.equals(ProviderSettings.GITLAB) ? name : null);
            if (type == null) {
                throw new IllegalArgumentException(prefix + "TYPE is required for provider " + name
                        + ": github or gitlab");
            }
            if (!type.equals(ProviderSettings.GITHUB) && !type.equals(ProviderSettings.GITLAB)) {
                throw new IllegalArgumentException(prefix + "TYPE must be github or gitlab, got \"" + printable(type)
                        + "\"");
            }
            String issuerVariable = alias(env, name, prefix + "ISSUER", "IDP_GITHUB_ISSUER");
            String issuer = url(issuerVariable, value(env, issuerVariable, type.equals(ProviderSettings.GITHUB)
                    ? GitHubProvider.GITHUB_COM_ISSUER : GitLabProvider.GITLAB_COM_ISSUER));
            String jwksVariable = alias(env, name, prefix + "JWKS_URL", "IDP_GITHUB_JWKS_URL");
            String jwks = value(env, jwksVariable, null);
            providers.add(new ProviderSettings(name, type, issuer, jwks == null ? null : url(jwksVariable, jwks),
                    value(env, prefix + "AUDIENCE", audience)));
        }
        return providers;
    }

    /**
     * The variable that sets this value of provider {@code name}: the per-provider one, or for the
     * provider {@code github} the version 1 alias when only that is set.
     */
    private static String alias(Map<String, String> env, String name, String variable, String v1Alias) {
        boolean set = env.get(variable) != null && !env.get(variable).isEmpty();
        boolean aliasSet = env.get(v1Alias) != null && !env.get(v1Alias).isEmpty();
        if (!name.equals(ProviderSettings.GITHUB) || !aliasSet) {
            return variable;
        }
        if (set && !env.get(variable).equals(env.get(v1Alias))) {
            throw new IllegalArgumentException(v1Alias + " and " + variable + " differ: set only one of them");
        }
        return v1Alias;
    }

    private static String printable(String value) {
        return value.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** An IP address or a host name that resolves: what the server binds to. */
    private static String host(String value) {
        if (!HOST.matcher(value).matches()) {
            throw new IllegalArgumentException("IDP_HOST must be an IP address or host name to bind to, got \""
                    + value.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
        }
        try {
            InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("IDP_HOST must be an IP address or host name to bind to, got \""
                    + value + "\", which does not resolve");
        }
        return value;
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");

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
        return Settings.baseUrl(name, value);
    }

    private static Duration duration(String name, String value, Duration min, Duration max) {
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT15M, got \"" + value + "\"");
        }
        return Settings.within(name, d, min, max);
    }

    /** Never shows secrets. */
    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", issuer=" + issuer + ", audience=" + audience + ", db="
                + JdbcUrls.withoutCredentials(dbUrl) + ", admin=" + (adminToken != null) + ", githubIssuer=" + githubIssuer
                + ", tokenTtl=" + tokenTtl + ", clockSkew=" + clockSkew + ", algorithm=" + signingAlgorithm.jwsName()
                + ", keyEncryption=" + (keyEncryptionKey != null) + ", host=" + host + ", requestTimeout="
                + requestTimeout + ", providers=" + providers + ", introspection=" + (introspectionToken != null)
                + ", auditRetention=" + auditRetention + ", trustedProxies=" + trustedProxies + "]";
    }
}
