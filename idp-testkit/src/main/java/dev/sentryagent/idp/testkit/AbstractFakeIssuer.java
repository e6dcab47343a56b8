package dev.sentryagent.idp.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * What every fake CI issuer of the testkit does alike: an HTTP server on a loopback port that
 * serves an OpenID discovery document and a key set, RS256 signing keys rotated on demand, switches
 * that make the key endpoint fail the ways a real one does, request counters and an optional mint
 * endpoint. {@link FakeOidcIssuer} (GitHub Actions) and {@link FakeGitLabIssuer} (GitLab CI) add
 * their platform's discovery fields, key ids, key path and claim set.
 *
 * <p>Thread-safe. Only this package extends it.
 *
 * @param <I> the concrete issuer, which the switches return so that calls chain
 */
public abstract class AbstractFakeIssuer<I extends AbstractFakeIssuer<I>> implements AutoCloseable {
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    private static final String UNAVAILABLE = "{\"error\":\"unavailable\"}";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final String jwksPath;
    private final String defaultAudience;
    private final Clock clock;
    private final BiFunction<Integer, RsaJsonWebKey, String> keyIds;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final AtomicInteger keyCounter = new AtomicInteger();
    // Published whatever the rotation (GitLab's instance key); the first entries of `published`.
    private final List<RsaJsonWebKey> permanent = new ArrayList<>();
    private final List<RsaJsonWebKey> published = new ArrayList<>();
    private volatile RsaJsonWebKey current;
    private volatile int jwksStatus = 200;
    private volatile int discoveryStatus = 200;
    private volatile String jwksCacheControl;
    private volatile boolean jwksEmpty;
    private volatile JwksFault jwksFault = JwksFault.NONE;
    private volatile Duration jwksDelay = Duration.ZERO;

    /** How the key endpoint misbehaves, for fault tests: see {@link #jwksStall()} and its siblings. */
    private enum JwksFault { NONE, SLOW, STALL, DOWN }

    /**
     * Binds a loopback port, generates the first signing key and starts serving.
     *
     * @param name the server threads' name
     * @param jwksPath where the key set is served, as the platform serves it
     * @param jwksCacheControl the key set's default {@code Cache-Control}, as the platform sends it
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @param clock what stamps the tokens' times
     * @param port the loopback port; 0 for any free one
     * @param keyIds the key id of each new key, from its serial number (1, 2, ...) and the key
     */
    AbstractFakeIssuer(String name, String jwksPath, String jwksCacheControl, String defaultAudience, Clock clock,
            int port, BiFunction<Integer, RsaJsonWebKey, String> keyIds) throws IOException {
        this.jwksPath = jwksPath;
        this.jwksCacheControl = jwksCacheControl;
        this.defaultAudience = defaultAudience;
        this.clock = clock;
        this.keyIds = keyIds;
        this.current = newKey(2048);
        this.published.add(current);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // Cached: a stalled key-set answer holds its thread for as long as the client listens.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext(DISCOVERY_PATH, this::discovery);
        server.createContext(jwksPath, this::jwks);
        server.start();
    }

    /** The platform's discovery document; {@code issuer} and {@code jwks_uri} among its fields. */
    abstract Map<String, Object> discoveryDocument();

    /**
     * A fresh token for a {@code GET /token} of the mint endpoint.
     *
     * @throws IllegalArgumentException if a query parameter is malformed: the endpoint answers 400 with its message
     */
    abstract String mint(Map<String, String> query);

    /**
     * The {@code iss} of its tokens.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String issuer() {
        return issuer;
    }

    /**
     * Where it serves its keys.
     *
     * @return the issuer plus the platform's key path
     */
    public String jwksUri() {
        return issuer + jwksPath;
    }

    /**
     * The {@code aud} of tokens minted without an audience of their own.
     *
     * @return the audience the issuer was started with
     */
    public String defaultAudience() {
        return defaultAudience;
    }

    /** The clock that stamps the tokens' times. */
    Clock clock() {
        return clock;
    }

    /**
     * Also serves {@code GET /token}, minting a fresh token per call from the query parameters the
     * subclass names; a malformed one is answered 400 with a one-line reason. For demos and manual
     * testing only: anyone who can reach the port can mint tokens.
     *
     * @return this issuer
     */
    public I enableMintEndpoint() {
        server.createContext("/token", exchange -> {
            String token;
            try {
                token = mint(query(exchange));
            } catch (IllegalArgumentException e) {
                send(exchange, 400, "text/plain", e.getMessage() + "\n", null);
                return;
            }
            send(exchange, 200, "text/plain", token + "\n", null);
        });
        return self();
    }

    /**
     * The key that signs new tokens.
     *
     * @return the current signing key, private part included
     */
    public RsaJsonWebKey currentKey() {
        return current;
    }

    /**
     * Makes a new 2048-bit key the signing key. With {@code keepOld} the previous keys stay published
     * (as the platforms do during rotation); without, only the new key is (and the keys the platform
     * publishes whatever the rotation).
     *
     * @param keepOld whether the previous keys stay in the key set
     * @return the new signing key
     */
    public synchronized RsaJsonWebKey rotateKey(boolean keepOld) {
        return rotateKey(keepOld, 2048);
    }

    /**
     * As {@link #rotateKey(boolean)}, with an RSA key of {@code bits} bits: 1024, say, for an issuer
     * that publishes a key too short to trust, which a verifier must refuse whatever its JCA provider.
     *
     * @param keepOld whether the previous keys stay in the key set
     * @param bits the new key's modulus length
     * @return the new signing key
     */
    public synchronized RsaJsonWebKey rotateKey(boolean keepOld, int bits) {
        RsaJsonWebKey next = newKey(bits);
        if (!keepOld) {
            published.clear();
            published.addAll(permanent);
        }
        published.add(next);
        current = next;
        return next;
    }

    /**
     * Makes the key endpoint answer with {@code status}.
     *
     * @param status e.g. 503 for an outage; 200 to recover
     */
    public void jwksStatus(int status) {
        this.jwksStatus = status;
    }

    /**
     * Makes the discovery document answer with {@code status}.
     *
     * @param status e.g. 503: the instance is down at start; 200 to recover
     */
    public void discoveryStatus(int status) {
        this.discoveryStatus = status;
    }

    /**
     * The {@code Cache-Control} header of key-set responses; by default the platform's.
     *
     * @param value the header's value; {@code null} for none
     */
    public void jwksCacheControl(String value) {
        this.jwksCacheControl = value;
    }

    /**
     * Makes the key endpoint publish an empty key set.
     *
     * @param empty true for an empty set, false for the published keys
     */
    public void jwksEmpty(boolean empty) {
        this.jwksEmpty = empty;
    }

    /**
     * Makes the key endpoint stall: it sends the response headers (200, a Content-Length of the
     * full key set), then one byte of the body per second, for as long as the client keeps
     * reading. The attack a header-only timeout does not stop. {@link #jwksHealthy()} ends it for
     * new requests.
     *
     * @return this issuer
     */
    public I jwksStall() {
        this.jwksFault = JwksFault.STALL;
        return self();
    }

    /**
     * Makes the key endpoint wait {@code delay} before it answers normally.
     *
     * @param delay how long each request waits
     * @return this issuer
     */
    public I jwksSlow(Duration delay) {
        this.jwksDelay = Objects.requireNonNull(delay, "delay");
        this.jwksFault = JwksFault.SLOW;
        return self();
    }

    /**
     * Makes the key endpoint close each connection without an answer.
     *
     * @return this issuer
     */
    public I jwksDown() {
        this.jwksFault = JwksFault.DOWN;
        return self();
    }

    /**
     * Ends {@link #jwksStall()}, {@link #jwksSlow} and {@link #jwksDown()}: new requests are answered at once.
     *
     * @return this issuer
     */
    public I jwksHealthy() {
        this.jwksFault = JwksFault.NONE;
        return self();
    }

    /**
     * How many key-set requests were served.
     *
     * @return the count since the start, any status
     */
    public int jwksRequestCount() {
        return jwksRequests.get();
    }

    /**
     * How many discovery requests were served.
     *
     * @return the count since the start, any status
     */
    public int discoveryRequestCount() {
        return discoveryRequests.get();
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A new key, published from now on whatever the rotation, before the signing key. */
    synchronized RsaJsonWebKey addPermanentKey() {
        RsaJsonWebKey key = newKey(2048);
        published.add(permanent.size(), key);
        permanent.add(key);
        return key;
    }

    @SuppressWarnings("unchecked") // I is the subclass itself: only this package's final classes extend this one
    private I self() {
        return (I) this;
    }

    private RsaJsonWebKey newKey(int bits) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(bits);
            key.setKeyId(keyIds.apply(keyCounter.incrementAndGet(), key));
            key.setAlgorithm("RS256");
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryRequests.incrementAndGet();
        int status = discoveryStatus;
        if (status != 200) {
            send(exchange, status, "application/json", UNAVAILABLE, null);
            return;
        }
        send(exchange, 200, "application/json", JsonUtil.toJson(discoveryDocument()), null);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        JwksFault fault = jwksFault;
        if (fault == JwksFault.DOWN) {
            exchange.close();
            return;
        }
        if (fault == JwksFault.SLOW && !sleep(jwksDelay.toMillis())) {
            exchange.close();
            return;
        }
        if (fault == JwksFault.STALL) {
            trickle(exchange);
            return;
        }
        int status = jwksStatus;
        if (status != 200) {
            send(exchange, status, "application/json", UNAVAILABLE, null);
            return;
        }
        send(exchange, 200, "application/json", keySet(jwksEmpty), jwksCacheControl);
    }

    private synchronized String keySet(boolean empty) {
        List<JsonWebKey> keys = empty ? List.of() : new ArrayList<>(published);
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private void trickle(HttpExchange exchange) throws IOException {
        byte[] bytes = keySet(false).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte b : bytes) {
                out.write(b);
                out.flush(); // fails once the client has given up
                if (!sleep(1000)) {
                    return;
                }
            }
        } catch (IOException clientGone) {
            // the client gave up: that is the point
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body, String cacheControl)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (cacheControl != null) {
            exchange.getResponseHeaders().set("Cache-Control", cacheControl);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
