package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.Settings;
import dev.sentryagent.idp.core.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * below and a maximum age above. Request threads never wait on a fetch the cached keys can serve:
 * a known {@code kid} is answered from the cache at once, even when the keys are stale, and a
 * refresh starts in the background. Only an unknown {@code kid} waits for a refresh, and at most
 * {@link #WAIT_LIMIT}: after that the keys are "unavailable" (never "no such key"). Refreshes run
 * one at a time, asynchronously, at most one per cooldown (failed ones too), so a flood of tokens
 * with invented key ids cannot turn into a flood of requests to the provider; each has a total
 * deadline (headers and body, discovery included) and reads at most {@link #MAX_BODY_BYTES} as
 * it streams. A failed refresh keeps the last good keys; an empty key set is a failure and never
 * replaces good keys.
 */
public final class JwksCache {
    /** The longest a request waits for a refresh, and the total deadline of one refresh. */
    public static final Duration WAIT_LIMIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");
    private static final int MAX_BODY_BYTES = 512 * 1024;
    private static final String NO_ANSWER = "no complete answer within " + WAIT_LIMIT.toSeconds() + " s";

    private final String issuer;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration cooldown;
    private final Duration defaultAge;
    private final Duration maxAge;
    private final Clock clock;
    private final Object refreshLock = new Object();

    private volatile Snapshot snapshot;
    private volatile URI jwksUri;
    private Instant lastAttempt; // guarded by refreshLock
    private CompletableFuture<Snapshot> inFlight; // guarded by refreshLock
    private volatile boolean lastFailed;
    private volatile String lastError = "no fetch attempted yet";

    private record Snapshot(Map<String, PublicKey> keys, Instant freshUntil) {
    }

    public JwksCache(String issuer, URI jwksUri, HttpClient http, Duration timeout, Duration cooldown,
                     Duration defaultAge, Duration maxAge, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.jwksUri = jwksUri;
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = timeout.compareTo(WAIT_LIMIT) < 0 ? timeout : WAIT_LIMIT;
        this.cooldown = cooldown;
        this.defaultAge = defaultAge;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The key with id {@code kid}, or empty when the provider does not publish it (after a refetch,
     * if the cooldown allowed one).
     *
     * @throws UnavailableException when the keys needed cannot be fetched within {@link #WAIT_LIMIT}
     */
    public Optional<PublicKey> key(String kid) {
        Snapshot seen = snapshot;
        if (seen != null) {
            PublicKey key = seen.keys().get(kid);
            if (key != null) {
                if (!clock.instant().isBefore(seen.freshUntil())) {
                    refresh(); // in the background: the cached key serves this request
                }
                return Optional.of(key);
            }
        }
        CompletableFuture<Snapshot> refresh = refresh();
        if (refresh == null) {
            // Within the cooldown: the last fetch decides. After a good one, the key does not exist.
            Snapshot now = snapshot;
            if (now != null && (!lastFailed || now != seen)) {
                return Optional.ofNullable(now.keys().get(kid));
            }
            throw unavailable();
        }
        try {
            refresh.get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UnavailableException("The signing keys of issuer " + issuer + " cannot be fetched: "
                    + NO_ANSWER, null);
        } catch (ExecutionException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
        return Optional.ofNullable(snapshot.keys().get(kid));
    }

    private UnavailableException unavailable() {
        return new UnavailableException("The signing keys of issuer " + issuer + " cannot be fetched: " + lastError,
                null);
    }

    /** The refresh in flight, a new one if the cooldown allows, or null. */
    private CompletableFuture<Snapshot> refresh() {
        CompletableFuture<Snapshot> started;
        synchronized (refreshLock) {
            if (inFlight != null) {
                return inFlight;
            }
            Instant now = clock.instant();
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(cooldown))) {
                return null;
            }
            lastAttempt = now;
            long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
            started = new CompletableFuture<>();
            inFlight = started;
            fetch(now, deadline).whenComplete((fresh, failure) -> {
                if (failure == null) {
                    snapshot = fresh;
                    lastFailed = false;
                    lastError = "none";
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    lastFailed = true;
                    lastError = cause instanceof TimeoutException ? NO_ANSWER : String.valueOf(cause.getMessage());
                    Snapshot kept = snapshot;
                    LOG.warn("jwks issuer={} fetch failed, keeping {} cached keys: {}", issuer,
                            kept == null ? 0 : kept.keys().size(), Names.loggable(lastError));
                }
                synchronized (refreshLock) {
                    inFlight = null;
                }
                if (failure == null) {
                    started.complete(fresh);
                } else {
                    started.completeExceptionally(failure);
                }
            });
        }
        return started;
    }

    private CompletableFuture<Snapshot> fetch(Instant now, long deadline) {
        CompletableFuture<URI> uri = jwksUri != null ? CompletableFuture.completedFuture(jwksUri) : discover(deadline);
        return uri.thenCompose(u -> get(u, deadline).thenApply(body -> parse(u, body, now)));
    }

    private Snapshot parse(URI uri, Fetched response, Instant now) {
        Map<String, PublicKey> keys = new HashMap<>();
        try {
            JsonWebKeySet set = new JsonWebKeySet(new String(response.body(), StandardCharsets.UTF_8));
            for (JsonWebKey jwk : set.getJsonWebKeys()) {
                if (jwk instanceof RsaJsonWebKey rsa && jwk.getKeyId() != null
                        && (jwk.getUse() == null || "sig".equals(jwk.getUse()))) {
                    keys.put(jwk.getKeyId(), ((PublicJsonWebKey) rsa).getPublicKey());
                }
            }
        } catch (JoseException e) {
            throw new CompletionException(new IOException("JWKS at " + uri + " is not a valid JSON Web Key Set"));
        }
        if (keys.isEmpty()) {
            throw new CompletionException(new IOException("JWKS at " + uri + " has no usable RSA signing keys"));
        }
        Duration age = response.cacheControl() == null ? defaultAge : maxAgeOf(response.cacheControl());
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

    private CompletableFuture<URI> discover(long deadline) {
        URI discovery = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        return get(discovery, deadline).thenApply(response -> {
            Map<String, Object> document;
            try {
                document = JsonUtil.parseJson(new String(response.body(), StandardCharsets.UTF_8));
            } catch (JoseException e) {
                throw new CompletionException(new IOException("discovery document at " + discovery + " is not JSON"));
            }
            if (!issuer.equals(document.get("issuer"))) {
                throw new CompletionException(new IOException("discovery document at " + discovery + " names issuer "
                        + Names.quote(String.valueOf(document.get("issuer"))) + ", not " + issuer));
            }
            if (!(document.get("jwks_uri") instanceof String uri)) {
                throw new CompletionException(new IOException("discovery document at " + discovery
                        + " has no jwks_uri"));
            }
            try {
                jwksUri = Settings.secureUrl("jwks_uri", uri);
            } catch (IllegalArgumentException e) {
                throw new CompletionException(new IOException("discovery document at " + discovery + ": "
                        + e.getMessage()));
            }
            return jwksUri;
        });
    }

    private record Fetched(byte[] body, String cacheControl) {
    }

    /**
     * GET {@code uri}: 200 and a body of at most {@link #MAX_BODY_BYTES}, all of it by
     * {@code deadline} (System.nanoTime), or a failed future. The request's own timeout covers only
     * the response headers, so the deadline also aborts a body that trickles in.
     */
    private CompletableFuture<Fetched> get(URI uri, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.failedFuture(new TimeoutException());
        }
        Duration headers = Duration.ofNanos(Math.min(remaining, timeout.toNanos()));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(headers).header("Accept", "application/json")
                .GET().build();
        BoundedBody body = new BoundedBody(uri, MAX_BODY_BYTES);
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request, body);
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        sent.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                result.completeExceptionally(cause instanceof IOException || cause instanceof TimeoutException
                        ? cause : new IOException("GET " + uri + " failed: " + (cause.getMessage() == null
                        ? "the connection failed" : cause.getMessage()), cause));
            } else if (response.statusCode() != 200) {
                result.completeExceptionally(new IOException("GET " + uri + " answered HTTP " + response.statusCode()));
            } else {
                result.complete(new Fetched(response.body(), response.headers().firstValue("Cache-Control")
                        .orElse(null)));
            }
        });
        CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS).execute(() -> {
            // Time out first: aborting the body fails the send at once, which would otherwise win the
            // race and report the abort ("failed: null") instead of the deadline.
            if (result.completeExceptionally(new TimeoutException())) {
                body.abort();
                sent.cancel(true);
            }
        });
        return result;
    }

    /**
     * A body handler that keeps at most {@code limit} bytes: a larger declared length fails before
     * the body is read, a larger streamed body fails as soon as it crosses the limit.
     */
    private static final class BoundedBody implements HttpResponse.BodyHandler<byte[]> {
        private final URI uri;
        private final int limit;
        private volatile Flow.Subscription subscription;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        BoundedBody(URI uri, int limit) {
            this.uri = uri;
            this.limit = limit;
        }

        void abort() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            result.completeExceptionally(new TimeoutException());
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > limit) {
                result.completeExceptionally(tooLarge());
            }
            return new HttpResponse.BodySubscriber<>() {
                private final ByteArrayOutputStream out = new ByteArrayOutputStream();

                @Override
                public CompletionStage<byte[]> getBody() {
                    return result;
                }

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    if (result.isDone()) {
                        s.cancel();
                    } else {
                        s.request(Long.MAX_VALUE);
                    }
                }

                @Override
                public void onNext(List<ByteBuffer> buffers) {
                    if (result.isDone()) {
                        return;
                    }
                    for (ByteBuffer b : buffers) {
                        if (out.size() + b.remaining() > limit) {
                            subscription.cancel();
                            result.completeExceptionally(tooLarge());
                            return;
                        }
                        byte[] bytes = new byte[b.remaining()];
                        b.get(bytes);
                        out.write(bytes, 0, bytes.length);
                    }
                }

                @Override
                public void onError(Throwable throwable) {
                    result.completeExceptionally(throwable);
                }

                @Override
                public void onComplete() {
                    result.complete(out.toByteArray());
                }
            };
        }

        private IOException tooLarge() {
            return new IOException("GET " + uri + " answered more than " + limit + " bytes");
        }
    }
}
