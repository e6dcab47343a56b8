package dev.sentryagent.idp.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * A local OIDC issuer that behaves like GitHub Actions' token service: it serves its OpenID
 * configuration and JWKS over HTTP on a loopback port, and mints RS256 tokens with GitHub's claim
 * set (see {@link #token()}), valid ones and forged ones.
 *
 * <p>For JUnit 5, start one in {@code @BeforeAll} and close it in {@code @AfterAll}, or use it in
 * try-with-resources. Thread-safe.
 */
public final class FakeOidcIssuer implements AutoCloseable {
    /** The JWKS path, as GitHub serves it. */
    public static final String JWKS_PATH = "/.well-known/jwks";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final String defaultAudience;
    private final Clock clock;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final AtomicInteger keyCounter = new AtomicInteger();
    private final List<RsaJsonWebKey> published = new ArrayList<>();
    private volatile RsaJsonWebKey current;
    private volatile int jwksStatus = 200;
    private volatile String jwksCacheControl = "max-age=300";
    private volatile boolean jwksEmpty;
    private volatile JwksFault jwksFault = JwksFault.NONE;
    private volatile java.time.Duration jwksDelay = java.time.Duration.ZERO;

    /** How the JWKS endpoint misbehaves, for fault tests: see {@link #jwksStall()} and its siblings. */
    private enum JwksFault { NONE, SLOW, STALL, DOWN }

    private FakeOidcIssuer(String defaultAudience, Clock clock, int port) throws IOException {
        this.defaultAudience = defaultAudience;
        this.clock = clock;
        this.current = newKey(2048);
        this.published.add(current);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // Cached: a stalled JWKS answer holds its thread for as long as the client listens.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-oidc-issuer");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext(JWKS_PATH, this::jwks);
        server.start();
    }

    /** Starts an issuer on a random loopback port whose tokens default to audience {@code defaultAudience}. */
    public static FakeOidcIssuer start(String defaultAudience) {
        return start(defaultAudience, Clock.systemUTC());
    }

    /** As {@link #start(String)}, with the clock that stamps {@code iat} and {@code exp}. */
    public static FakeOidcIssuer start(String defaultAudience, Clock clock) {
        return start(defaultAudience, clock, 0);
    }

    /** As {@link #start(String, Clock)}, on a given loopback port (0: any free port). */
    public static FakeOidcIssuer start(String defaultAudience, Clock clock, int port) {
        try {
            return new FakeOidcIssuer(defaultAudience, clock, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake OIDC issuer on loopback", e);
        }
    }

    /** The {@code iss} of its tokens: {@code http://127.0.0.1:<port>}. */
    public String issuer() {
        return issuer;
    }

    /** Where it serves its keys. */
    public String jwksUri() {
        return issuer + JWKS_PATH;
    }

    public String defaultAudience() {
        return defaultAudience;
    }

    /** A token with GitHub's claims for {@code octo-org/octo-repo} on {@code main}; override anything. */
    public GitHubTokenBuilder token() {
        return new GitHubTokenBuilder(this, clock);
    }

    /**
     * Also serves {@code GET /token?repository=owner/name&branch=main} (optional {@code agent} is
     * ignored; {@code tag}, {@code event}, {@code audience}, {@code environment}, {@code workflow} (the
     * caller workflow's path) and {@code job_workflow_ref} override), minting a fresh token per
     * call. For demos and manual testing only: anyone who can reach the port can mint tokens.
     */
    public FakeOidcIssuer enableMintEndpoint() {
        server.createContext("/token", exchange -> {
            Map<String, String> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        query.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            GitHubTokenBuilder builder = token().repository(query.getOrDefault("repository", "octo-org/octo-repo"));
            if (query.containsKey("tag")) {
                builder.tag(query.get("tag"));
            } else {
                builder.branch(query.getOrDefault("branch", "main"));
            }
            if (query.containsKey("event")) {
                builder.eventName(query.get("event"));
            }
            if (query.containsKey("audience")) {
                builder.audience(query.get("audience"));
            }
            if (query.containsKey("environment")) {
                builder.environment(query.get("environment"));
            }
            if (query.containsKey("workflow")) {
                builder.workflow(query.get("workflow"));
            }
            if (query.containsKey("job_workflow_ref")) {
                builder.jobWorkflowRef(query.get("job_workflow_ref"));
            }
            byte[] body = (builder.mint() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        return this;
    }

    /** The key that signs new tokens. */
    public RsaJsonWebKey currentKey() {
        return current;
    }

    /**
     * Makes a new key the signing key. With {@code keepOld} the previous keys stay published (as
     * GitHub does during rotation); without, only the new key is published.
     */
    public synchronized RsaJsonWebKey rotateKey(boolean keepOld) {
        return rotateKey(keepOld, 2048);
    }

    /**
     * As {@link #rotateKey(boolean)}, with an RSA key of {@code bits} bits: 1024, say, for an issuer
     * that publishes a key too short to trust, which a verifier must refuse whatever its JCA provider.
     */
    public synchronized RsaJsonWebKey rotateKey(boolean keepOld, int bits) {
        RsaJsonWebKey next = newKey(bits);
        if (!keepOld) {
            published.clear();
        }
        published.add(next);
        current = next;
        return next;
    }

    /** Makes the JWKS endpoint answer with {@code status} (e.g. 503 for an outage; 200 to recover). */
    public void jwksStatus(int status) {
        this.jwksStatus = status;
    }

    /** The {@code Cache-Control} header of JWKS responses; default {@code max-age=300}; null for none. */
    public void jwksCacheControl(String value) {
        this.jwksCacheControl = value;
    }

    /** Makes the JWKS endpoint publish an empty key set. */
    public void jwksEmpty(boolean empty) {
        this.jwksEmpty = empty;
    }

    /**
     * Makes the JWKS endpoint stall: it sends the response headers (200, a Content-Length of the
     * full key set), then one byte of the body per second, for as long as the client keeps
     * reading. The attack a header-only timeout does not stop. {@link #jwksHealthy()} ends it for
     * new requests.
     */
    public FakeOidcIssuer jwksStall() {
        this.jwksFault = JwksFault.STALL;
        return this;
    }

    /** Makes the JWKS endpoint wait {@code delay} before it answers normally. */
    public FakeOidcIssuer jwksSlow(java.time.Duration delay) {
        this.jwksDelay = java.util.Objects.requireNonNull(delay, "delay");
        this.jwksFault = JwksFault.SLOW;
        return this;
    }

    /** Makes the JWKS endpoint close each connection without an answer. */
    public FakeOidcIssuer jwksDown() {
        this.jwksFault = JwksFault.DOWN;
        return this;
    }

    /** Ends {@link #jwksStall()}, {@link #jwksSlow} and {@link #jwksDown()}: new requests are answered at once. */
    public FakeOidcIssuer jwksHealthy() {
        this.jwksFault = JwksFault.NONE;
        return this;
    }

    /** How many JWKS requests were served (any status). */
    public int jwksRequestCount() {
        return jwksRequests.get();
    }

    public int discoveryRequestCount() {
        return discoveryRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private RsaJsonWebKey newKey(int bits) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(bits);
            key.setKeyId("fake-github-key-" + keyCounter.incrementAndGet());
            key.setAlgorithm("RS256");
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryRequests.incrementAndGet();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", jwksUri());
        doc.put("subject_types_supported", List.of("public", "pairwise"));
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        send(exchange, 200, JsonUtil.toJson(doc), null);
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
            send(exchange, status, "{\"error\":\"unavailable\"}", null);
            return;
        }
        List<JsonWebKey> keys;
        synchronized (this) {
            keys = jwksEmpty ? List.of() : new ArrayList<>(published);
        }
        send(exchange, 200, new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
                jwksCacheControl);
    }

    private void trickle(HttpExchange exchange) throws IOException {
        List<JsonWebKey> keys;
        synchronized (this) {
            keys = new ArrayList<>(published);
        }
        byte[] bytes = new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8);
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

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String cacheControl) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (cacheControl != null) {
            exchange.getResponseHeaders().set("Cache-Control", cacheControl);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
