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

    /**
     * Sets the name requests and trust policies use to select this provider.
     *
     * @param name matches {@code [a-z][a-z0-9-]{0,31}}; default the provider's type
     * @return this builder
     */
    public B name(String name) {
        this.name = name;
        return self();
    }

    /**
     * Sets the exact {@code iss} tokens must carry, and where the key set is discovered.
     *
     * @param issuer https, or http on loopback only, without a trailing {@code /}; default the public service's
     * @return this builder
     */
    public B issuer(String issuer) {
        this.issuer = issuer;
        return self();
    }

    /**
     * Sets the exact {@code aud} tokens must carry. Required: a token minted for another service must not be usable here.
     *
     * @param audience not blank; use this IdP's own URL
     * @return this builder
     */
    public B audience(String audience) {
        this.audience = audience;
        return self();
    }

    /**
     * Sets the key-set URL, instead of discovering it from the issuer's OpenID configuration.
     *
     * @param jwksUri https, or http on loopback only; default discovered
     * @return this builder
     */
    public B jwksUri(String jwksUri) {
        this.jwksUriText = jwksUri;
        return self();
    }

    /**
     * Sets the leeway for {@code exp}, {@code nbf} and {@code iat}.
     *
     * @param clockSkew 0 to {@link OidcProvider#MAX_CLOCK_SKEW}; default 60 s
     * @return this builder
     */
    public B clockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
        return self();
    }

    /**
     * Sets the least time between two fetches of the key set, so that tokens with unknown key ids cannot make this IdP hammer the provider.
     *
     * @param cooldown 100 ms to 1 h; default 30 s
     * @return this builder
     */
    public B jwksCooldown(Duration cooldown) {
        this.jwksCooldown = cooldown;
        return self();
    }

    /**
     * Sets how long keys stay fresh when the key-set response has no {@code Cache-Control} max-age.
     *
     * @param age 0 to the max cache age; default 5 min
     * @return this builder
     */
    public B jwksDefaultCacheAge(Duration age) {
        this.jwksDefaultAge = age;
        return self();
    }

    /**
     * Sets the longest keys stay fresh whatever the response says.
     *
     * @param age 1 s to 24 h; default 1 h
     * @return this builder
     */
    public B jwksMaxCacheAge(Duration age) {
        this.jwksMaxAge = age;
        return self();
    }

    /**
     * Timeout of the response headers of each key-set request: 100 ms to 60 s, default 5 s.
     * Whatever it is, a whole refresh (discovery, headers and body) ends after 5 s, and a
     * request waits at most that long for one.
     *
     * @param timeout 100 ms to 60 s; default 5 s
     * @return this builder
     */
    public B httpTimeout(Duration timeout) {
        this.httpTimeout = timeout;
        return self();
    }

    /**
     * Sets the HTTP client for key-set requests.
     *
     * @param httpClient the client; default a new one that never follows redirects
     * @return this builder
     */
    public B httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return self();
    }

    /**
     * Sets the clock of the time checks and of the key cache.
     *
     * @param clock the clock; default UTC system time
     * @return this builder
     */
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
