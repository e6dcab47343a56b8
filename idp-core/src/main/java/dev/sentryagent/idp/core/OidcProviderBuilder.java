package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.JwksCache;
import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.internal.OidcTokenChecks;
import dev.sentryagent.idp.core.spi.OidcProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every built-in provider shares ({@link GitHubProvider}, {@link GitLabProvider}):
 * name, issuer, audience, key set and clock. {@link #audience(String)} is required; the rest have
 * safe defaults. Each provider's {@code build()} refuses unsafe values with a message naming the
 * setting.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class OidcProviderBuilder<B extends OidcProviderBuilder<B>> {
    String name;
    String issuer;
    String audience;
    URI jwksUri;
    Duration clockSkew = Duration.ofSeconds(60);
    private Duration jwksCooldown = Duration.ofSeconds(30);
    private Duration jwksDefaultAge = Duration.ofMinutes(5);
    private Duration jwksMaxAge = Duration.ofHours(1);
    private Duration httpTimeout = Duration.ofSeconds(5);
    private HttpClient httpClient;
    Clock clock = Clock.systemUTC();
    private String jwksUriText;

    OidcProviderBuilder(String defaultName, String defaultIssuer) {
        this.name = defaultName;
        this.issuer = defaultIssuer;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The name requests use; {@code [a-z][a-z0-9-]{0,31}}. */
    public B name(String name) {
        this.name = name;
        return self();
    }

    /** The exact {@code iss}. https, or http on loopback only, without a trailing {@code /}. */
    public B issuer(String issuer) {
        this.issuer = issuer;
        return self();
    }

    /** The exact {@code aud} tokens must carry: required. Use this IdP's own URL. */
    public B audience(String audience) {
        this.audience = audience;
        return self();
    }

    /** The key-set URL, instead of discovering it from the issuer. */
    public B jwksUri(String jwksUri) {
        this.jwksUriText = jwksUri;
        return self();
    }

    /** Leeway for {@code exp}, {@code nbf}, {@code iat}: 0 to 5 minutes, default 60 s. */
    public B clockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
        return self();
    }

    /** Least time between two fetches of the key set: 100 ms to 1 h, default 30 s. */
    public B jwksCooldown(Duration cooldown) {
        this.jwksCooldown = cooldown;
        return self();
    }

    /** How long keys stay fresh when the response says nothing: default 5 min. */
    public B jwksDefaultCacheAge(Duration age) {
        this.jwksDefaultAge = age;
        return self();
    }

    /** The longest keys stay fresh whatever the response says: default 1 h, at most 24 h. */
    public B jwksMaxCacheAge(Duration age) {
        this.jwksMaxAge = age;
        return self();
    }

    /**
     * Timeout of the response headers of each key-set request: 100 ms to 60 s, default 5 s.
     * Whatever it is, a whole refresh (discovery, headers and body) ends after 5 s, and a
     * request waits at most that long for one.
     */
    public B httpTimeout(Duration timeout) {
        this.httpTimeout = timeout;
        return self();
    }

    /** The HTTP client for key-set requests; default a new one that never follows redirects. */
    public B httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return self();
    }

    /** The clock of the time checks. */
    public B clock(Clock clock) {
        this.clock = clock;
        return self();
    }

    /** Checks every shared setting, naming the one that is wrong. */
    void validate() {
        Names.provider(name);
        Settings.baseUrl("issuer", issuer);
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("audience is required: the exact aud incoming tokens must carry");
        }
        jwksUri = jwksUriText == null ? null : Settings.secureUrl("jwksUri", jwksUriText);
        Settings.within("clockSkew", clockSkew, Duration.ZERO, OidcProvider.MAX_CLOCK_SKEW);
        Settings.within("jwksCooldown", jwksCooldown, Duration.ofMillis(100), Duration.ofHours(1));
        Settings.within("jwksMaxCacheAge", jwksMaxAge, Duration.ofSeconds(1), Duration.ofHours(24));
        Settings.within("jwksDefaultCacheAge", jwksDefaultAge, Duration.ZERO, jwksMaxAge);
        Settings.within("httpTimeout", httpTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
        Objects.requireNonNull(clock, "clock");
    }

    /** The checks of a provider built from these (validated) settings, with its own key cache. */
    OidcTokenChecks checks() {
        JwksCache keys = new JwksCache(issuer, jwksUri, httpClient != null ? httpClient
                : HttpClient.newBuilder().connectTimeout(httpTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build(), httpTimeout, jwksCooldown, jwksDefaultAge, jwksMaxAge, clock);
        return new OidcTokenChecks(name, issuer, audience, clockSkew, clock, keys);
    }
}
