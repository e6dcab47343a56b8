package dev.sentryagent.idp.testkit;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * A local OIDC issuer that behaves like a GitLab instance's CI ID-token service (gitlab.com or
 * self-managed): it serves {@code /.well-known/openid-configuration} whose {@code jwks_uri} is
 * GitLab's real key path {@value #JWKS_PATH}, publishes RS256 keys as GitLab does, and mints ID
 * tokens with GitLab's claim set (see {@link #token()}), valid ones and forged ones.
 *
 * <p>Like GitLab, it publishes two keys: the CI key that signs ID tokens and the instance's
 * OpenID Connect key, which never signs a CI token; a verifier has to pick the key by {@code kid}.
 * Key ids are RFC 7638 SHA-256 thumbprints, as GitLab's are. Its {@link #issuer()} stands for the
 * instance URL ({@code https://gitlab.com} or a self-managed host), as GitLab's issuer is.
 *
 * <p>For JUnit 5, start one in {@code @BeforeAll} and close it in {@code @AfterAll}, or use it in
 * try-with-resources. Thread-safe.
 */
public final class FakeGitLabIssuer extends AbstractFakeIssuer<FakeGitLabIssuer> {
    /** The JWKS path, as GitLab serves it. */
    public static final String JWKS_PATH = "/oauth/discovery/keys";

    /** GitLab's {@code Cache-Control} on its key set (24 hours, public). */
    public static final String GITLAB_JWKS_CACHE_CONTROL = "max-age=86400, public, must-revalidate, no-transform";

    private final RsaJsonWebKey instanceOidcKey;

    private FakeGitLabIssuer(String defaultAudience, Clock clock, int port) throws IOException {
        super("fake-gitlab-issuer", JWKS_PATH, GITLAB_JWKS_CACHE_CONTROL, defaultAudience, clock, port,
                (serial, key) -> key.calculateBase64urlEncodedThumbprint("SHA-256"));
        this.instanceOidcKey = addPermanentKey();
    }

    /**
     * Starts an issuer on a random loopback port whose tokens default to audience {@code defaultAudience}.
     *
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @return the started issuer; close it when done
     */
    public static FakeGitLabIssuer start(String defaultAudience) {
        return start(defaultAudience, Clock.systemUTC());
    }

    /**
     * As {@link #start(String)}, with the clock that stamps {@code iat}, {@code nbf} and {@code exp}.
     *
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @param clock what stamps the tokens' times, e.g. a {@link MutableClock}
     * @return the started issuer; close it when done
     */
    public static FakeGitLabIssuer start(String defaultAudience, Clock clock) {
        return start(defaultAudience, clock, 0);
    }

    /**
     * As {@link #start(String, Clock)}, on a given loopback port.
     *
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @param clock what stamps the tokens' times
     * @param port the loopback port; 0 for any free one
     * @return the started issuer; close it when done
     */
    public static FakeGitLabIssuer start(String defaultAudience, Clock clock, int port) {
        try {
            return new FakeGitLabIssuer(defaultAudience, clock, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake GitLab issuer on loopback", e);
        }
    }

    /**
     * The host part of the issuer, as it starts {@code ci_config_ref_uri}.
     *
     * @return {@code 127.0.0.1:<port>}
     */
    public String host() {
        String issuer = issuer();
        return issuer.substring(issuer.indexOf("://") + 3);
    }

    /**
     * A token with GitLab's claims for a push to {@code main} of the nested project
     * {@code acme/platform/deployer}; override anything (see {@link GitLabTokenBuilder}).
     *
     * @return a new builder, signing with the current CI key
     */
    public GitLabTokenBuilder token() {
        return new GitLabTokenBuilder(this, clock());
    }

    /**
     * Also serves {@code GET /token?project_path=group/sub/project&ref=main}, minting a fresh token
     * per call. Optional: {@code ref_type} ({@code branch} or {@code tag}, default branch),
     * {@code ref_protected} (default: true for branch {@code main} only), {@code pipeline_source},
     * {@code environment}, {@code audience}. For demos and manual testing
     * only: anyone who can reach the port can mint tokens.
     *
     * @return this issuer
     */
    @Override
    public FakeGitLabIssuer enableMintEndpoint() {
        return super.enableMintEndpoint();
    }

    /**
     * The instance's OpenID Connect key: published next to the CI key, never signs an ID token.
     *
     * @return the instance key, private part included
     */
    public RsaJsonWebKey instanceOidcKey() {
        return instanceOidcKey;
    }

    /**
     * Makes the key endpoint answer 503, as an instance in maintenance does; {@link #jwksHealthy()} ends it.
     *
     * @return this issuer
     */
    @Override
    public FakeGitLabIssuer jwksDown() {
        jwksStatus(503);
        return this;
    }

    /**
     * Ends {@link #jwksDown()} and the other key-endpoint faults: the key endpoint answers 200 again.
     *
     * @return this issuer
     */
    @Override
    public FakeGitLabIssuer jwksHealthy() {
        jwksStatus(200);
        return super.jwksHealthy();
    }

    @Override
    String mint(Map<String, String> query) {
        GitLabTokenBuilder builder = token();
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
        return builder.mint();
    }

    @Override
    Map<String, Object> discoveryDocument() {
        // The fields GitLab's Doorkeeper discovery document has that a verifier may read.
        String issuer = issuer();
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
        return doc;
    }
}
