package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.Settings;
import dev.sentryagent.idp.core.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's signing keys, fetched over HTTP and cached.
 *
 * <p>Keys stay fresh for the response's {@code Cache-Control: max-age}, bounded by the cooldown
 * below and a maximum age above. An unknown {@code kid} triggers a refetch, but fetches (failed
 * ones too) happen at most once per cooldown and one at a time: a flood of tokens with invented
 * key ids cannot turn into a flood of requests to the provider. A failed fetch keeps the last good
 * keys; an empty key set is treated as a failure and never replaces good keys.
 */
public final class JwksCache {
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");
    private static final int MAX_BODY_BYTES = 512 * 1024;

    private final String issuer;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration cooldown;
    private final Duration defaultAge;
    private final Duration maxAge;
    private final Clock clock;
    private final Object fetchLock = new Object();

    private volatile Snapshot snapshot;
    private volatile URI jwksUri;
    private Instant lastAttempt;
    private volatile String lastError = "no fetch attempted yet";

    private record Snapshot(Map<String, PublicKey> keys, Instant freshUntil) {
    }

    public JwksCache(String issuer, URI jwksUri, HttpClient http, Duration timeout, Duration cooldown,
                     Duration defaultAge, Duration maxAge, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.jwksUri = jwksUri;
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = timeout;
        this.cooldown = cooldown;
        this.defaultAge = defaultAge;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The key with id {@code kid}, or empty when the provider does not publish it (after a refetch,
     * if the cooldown allowed one).
     *
     * @throws UnavailableException when no keys were ever fetched and none can be fetched now
     */
    public Optional<PublicKey> key(String kid) {
        Snapshot seen = snapshot;
        if (seen != null && clock.instant().isBefore(seen.freshUntil())) {
            PublicKey key = seen.keys().get(kid);
            if (key != null) {
                return Optional.of(key);
            }
        }
        Snapshot now = refresh(seen);
        if (now == null) {
            throw new UnavailableException("The signing keys of issuer " + issuer + " cannot be fetched: "
                    + lastError, null);
        }
        return Optional.ofNullable(now.keys().get(kid));
    }

    private Snapshot refresh(Snapshot seen) {
        synchronized (fetchLock) {
            Snapshot current = snapshot;
            if (current != seen) {
                return current; // another thread fetched while this one waited
            }
            Instant now = clock.instant();
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(cooldown))) {
                return current;
            }
            lastAttempt = now;
            try {
                Snapshot fresh = fetch(now);
                snapshot = fresh;
                lastError = "none";
                return fresh;
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage();
                LOG.warn("jwks issuer={} fetch failed, keeping {} cached keys: {}", issuer,
                        current == null ? 0 : current.keys().size(), lastError);
                return current;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastError = "interrupted";
                return current;
            }
        }
    }

    private Snapshot fetch(Instant now) throws IOException, InterruptedException {
        URI uri = jwksUri != null ? jwksUri : discover();
        HttpResponse<byte[]> response = get(uri);
        Map<String, PublicKey> keys = new HashMap<>();
        try {
            JsonWebKeySet set = new JsonWebKeySet(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            for (JsonWebKey jwk : set.getJsonWebKeys()) {
                if (jwk instanceof RsaJsonWebKey rsa && jwk.getKeyId() != null
                        && (jwk.getUse() == null || "sig".equals(jwk.getUse()))) {
                    keys.put(jwk.getKeyId(), ((PublicJsonWebKey) rsa).getPublicKey());
                }
            }
        } catch (JoseException e) {
            throw new IOException("JWKS at " + uri + " is not a valid JSON Web Key Set");
        }
        if (keys.isEmpty()) {
            throw new IOException("JWKS at " + uri + " has no usable RSA signing keys");
        }
        Duration age = response.headers().firstValue("Cache-Control").map(this::maxAgeOf).orElse(defaultAge);
        if (age.compareTo(cooldown) < 0) {
            age = cooldown;
        }
        if (age.compareTo(maxAge) > 0) {
            age = maxAge;
        }
        LOG.debug("jwks issuer={} fetched {} keys, fresh for {}", issuer, keys.size(), age);
        return new Snapshot(Map.copyOf(keys), now.plus(age));
    }

    private Duration maxAgeOf(String cacheControl) {
        String lower = cacheControl.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("no-store") || lower.contains("no-cache")) {
            return Duration.ZERO;
        }
        Matcher m = MAX_AGE.matcher(lower);
        return m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : defaultAge;
    }

    private URI discover() throws IOException, InterruptedException {
        URI discovery = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        HttpResponse<byte[]> response = get(discovery);
        Map<String, Object> document;
        try {
            document = JsonUtil.parseJson(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (JoseException e) {
            throw new IOException("discovery document at " + discovery + " is not JSON");
        }
        if (!issuer.equals(document.get("issuer"))) {
            throw new IOException("discovery document at " + discovery + " names issuer "
                    + Names.quote(String.valueOf(document.get("issuer"))) + ", not " + issuer);
        }
        if (!(document.get("jwks_uri") instanceof String uri)) {
            throw new IOException("discovery document at " + discovery + " has no jwks_uri");
        }
        try {
            jwksUri = Settings.secureUrl("jwks_uri", uri);
        } catch (IllegalArgumentException e) {
            throw new IOException("discovery document at " + discovery + ": " + e.getMessage());
        }
        return jwksUri;
    }

    private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_BODY_BYTES) {
            throw new IOException("GET " + uri + " answered more than " + MAX_BODY_BYTES + " bytes");
        }
        return response;
    }
}
