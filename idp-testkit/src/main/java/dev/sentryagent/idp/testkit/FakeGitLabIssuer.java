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
 * A local OIDC issuer that behaves like a GitLab instance's CI ID-token service (gitlab.com or
 * self-managed): it serves {@code /.well-known/openid-configuration} whose {@code jwks_uri} is
 * GitLab's real key path {@value #JWKS_PATH}, publishes RS256 keys as GitLab does, and mints ID
 * tokens with GitLab's claim set (see {@link #token()}), valid ones and forged ones.
 *
 * <p>Like GitLab, it publishes two keys: the CI key that signs ID tokens and the instance's
 * OpenID Connect key, which never signs a CI token; a verifier has to pick the key by {@code kid}.
 * Key ids are RFC 7638 SHA-256 thumbprints, as GitLab's are.
 *
 * <p>For JUnit 5, start one in {@code @BeforeAll} and close it in {@code @AfterAll}, or use it in
 * try-with-resources. Thread-safe.
 */
public final class FakeGitLabIssuer implements AutoCloseable {
    /** The JWKS path, as GitLab serves it. */
    public static final String JWKS_PATH = "/oauth/discovery/keys";

    /** GitLab's {@code Cache-Control} on its key set (24 hours, public). */
    public static final String GITLAB_JWKS_CACHE_CONTROL = "max-age=86400, public, must-revalidate, no-transform";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final String defaultAudience;
    private final Clock clock;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final RsaJsonWebKey instanceOidcKey;
    private final List<RsaJsonWebKey> published = new ArrayList<>();
    private volatile RsaJsonWebKey current;
    private volatile int jwksStatus = 200;
    private volatile int discoveryStatus = 200;
    private volatile String jwksCacheControl = GITLAB_JWKS_CACHE_CONTROL;
    private volatile boolean jwksEmpty;

    private FakeGitLabIssuer(String defaultAudience, Clock clock, int port) throws IOException {
        this.defaultAudience = defaultAudience;
        this.clock = clock;
        this.current = newKey();
        this.instanceOidcKey = newKey();
        this.published.add(instanceOidcKey);
        this.published.add(current);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fake-gitlab-issuer");
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
    public static FakeGitLabIssuer start(String defaultAudience) {
        return start(defaultAudience, Clock.systemUTC());
    }

    /** As {@link #start(String)}, with the clock that stamps {@code iat}, {@code nbf} and {@code exp}. */
    public static FakeGitLabIssuer start(String defaultAudience, Clock clock) {
        return start(defaultAudience, clock, 0);
    }

    /** As {@link #start(String, Clock)}, on a given loopback port (0: any free port). */
    public static FakeGitLabIssuer start(String defaultAudience, Clock clock, int port) {
        try {
            return new FakeGitLabIssuer(defaultAudience, clock, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake GitLab issuer on loopback", e);
        }
    }

    /**
     * The {@code iss} of its tokens: {@code http://127.0.0.1:<port>}, the instance URL (GitLab's
     * issuer is the instance URL, {@code https://gitlab.com} or a self-managed host).
     */
    public String issuer() {
        return issuer;
    }

    /** The host part of the issuer ({@code 127.0.0.1:<port>}), as it starts {@code ci_config_ref_uri}. */
    public String host() {
        return issuer.substring(issuer.indexOf("://") + 3);
    }

    /** Where it serves its keys: the issuer plus {@value #JWKS_PATH}. */
    public String jwksUri() {
        return issuer + JWKS_PATH;
    }

    /** The {@code aud} of tokens minted without {@link GitLabTokenBuilder#audience(String...)}. */
    public String defaultAudience() {
        return defaultAudience;
    }

    /**
     * A token with GitLab's claims for a push to {@code main} of the nested project
     * {@code acme/platform/deployer}; override anything (see {@link GitLabTokenBuilder}).
     */
    public GitLabTokenBuilder token() {
        return new GitLabTokenBuilder(this, clock);
    }

    /**
     * Also serves {@code GET /token?project_path=group/sub/project&ref=main}, minting a fresh token
     * per call. Optional: {@code ref_type} ({@code branch} or {@code tag}, default branch),
     * {@code ref_protected} (default: true for branch {@code main} only), {@code pipeline_source},
     * {@code environment}, {@code audience}. For demos and manual testing
     * only: anyone who can reach the port can mint tokens.
     */
    public FakeGitLabIssuer enableMintEndpoint() {
        server.createContext("/token", this::mint);
        return this;
    }

    /** The key that signs new ID tokens. */
    public RsaJsonWebKey currentKey() {
        return current;
    }

    /** The instance's OpenID Connect key: published next to the CI key, never signs an ID token. */
    public RsaJsonWebKey instanceOidcKey() {
        return instanceOidcKey;
    }

    /**
     * Makes a new key the CI signing key. With {@code keepOld} the previous keys stay published;
     * without, only the new key and the instance's OpenID Connect key are published.
     */
    public synchronized RsaJsonWebKey rotateKey(boolean keepOld) {
        RsaJsonWebKey next = newKey();
        if (!keepOld) {
            published.clear();
            published.add(instanceOidcKey);
        }
        published.add(next);
        current = next;
        return next;
    }

    /** Makes the key endpoint answer with {@code status} (e.g. 503 for an outage; 200 to recover). */
    public void jwksStatus(int status) {
        this.jwksStatus = status;
    }

    /** Makes the discovery document answer with {@code status} (e.g. 503: the instance is down at start). */
    public void discoveryStatus(int status) {
        this.discoveryStatus = status;
    }

    /** The {@code Cache-Control} header of key-set responses; default {@link #GITLAB_JWKS_CACHE_CONTROL}; null for none. */
    public void jwksCacheControl(String value) {
        this.jwksCacheControl = value;
    }

    /** Makes the key endpoint publish an empty key set. */
    public void jwksEmpty(boolean empty) {
        this.jwksEmpty = empty;
    }

    /** How many key-set requests were served (any status). */
    public int jwksRequestCount() {
        return jwksRequests.get();
    }

    /** How many discovery requests were served (any status). */
    public int discoveryRequestCount() {
        return discoveryRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static RsaJsonWebKey newKey() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
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
            send(exchange, status, "application/json", "{\"error\":\"unavailable\"}", null);
            return;
        }
        // The fields GitLab's Doorkeeper discovery document has that a verifier may read.
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/oauth/authorize");
        doc.put("token_endpoint", issuer + "/oauth/token");
        doc.put("revocation_endpoint", issuer + "/oauth/revoke");
        doc.put("introspection_endpoint", issuer + "/oauth/introspect");
        doc.put("userinfo_endpoint", issuer + "/oauth/userinfo");
        doc.put("jwks_uri", jwksUri());
        doc.put("scopes_supported", List.of("openid", "profile", "email"));
        doc.put("response_types_supported", List.of("code"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        send(exchange, 200, "application/json", JsonUtil.toJson(doc), null);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        int status = jwksStatus;
        if (status != 200) {
            send(exchange, status, "application/json", "{\"error\":\"unavailable\"}", null);
            return;
        }
        List<JsonWebKey> keys;
        synchronized (this) {
            keys = jwksEmpty ? List.of() : new ArrayList<>(published);
        }
        send(exchange, 200, "application/json",
                new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY), jwksCacheControl);
    }

    private void mint(HttpExchange exchange) throws IOException {
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
        GitLabTokenBuilder builder = token();
        try {
            if (query.containsKey("project_path")) {
                builder.projectPath(query.get("project_path"));
            }
            String ref = query.getOrDefault("ref", "main");
            String refType = query.getOrDefault("ref_type", "branch");
            switch (refType) {
                case "branch" -> builder.branch(ref);
                case "tag" -> builder.tag(ref);
                default -> throw new IllegalArgumentException("ref_type must be branch or tag, got \"" + refType + "\"");
            }
            // Like a fresh GitLab project: only the default branch is protected, unless told.
            builder.refProtected(Boolean.parseBoolean(query.getOrDefault("ref_protected",
                    Boolean.toString(refType.equals("branch") && ref.equals("main")))));
            if (query.containsKey("pipeline_source")) {
                builder.pipelineSource(query.get("pipeline_source"));
            }
            if (query.containsKey("environment")) {
                builder.environment(query.get("environment"));
            }
            if (query.containsKey("audience")) {
                builder.audience(query.get("audience"));
            }
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage() + "\n", null);
            return;
        }
        send(exchange, 200, "text/plain", builder.mint() + "\n", null);
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
