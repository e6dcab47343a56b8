package dev.sentryagent.idp.testkit;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local OIDC issuer that behaves like GitHub Actions' token service: it serves its OpenID
 * configuration and JWKS over HTTP on a loopback port, and mints RS256 tokens with GitHub's claim
 * set (see {@link #token()}), valid ones and forged ones. Key ids are {@code fake-github-key-<n>}.
 *
 * <p>For JUnit 5, start one in {@code @BeforeAll} and close it in {@code @AfterAll}, or use it in
 * try-with-resources. Thread-safe.
 */
public final class FakeOidcIssuer extends AbstractFakeIssuer<FakeOidcIssuer> {
    /** The JWKS path, as GitHub serves it. */
    public static final String JWKS_PATH = "/.well-known/jwks";

    private FakeOidcIssuer(String defaultAudience, Clock clock, int port) throws IOException {
        super("fake-oidc-issuer", JWKS_PATH, "max-age=300", defaultAudience, clock, port,
                (serial, key) -> "fake-github-key-" + serial);
    }

    /**
     * Starts an issuer on a random loopback port whose tokens default to audience {@code defaultAudience}.
     *
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @return the started issuer; close it when done
     */
    public static FakeOidcIssuer start(String defaultAudience) {
        return start(defaultAudience, Clock.systemUTC());
    }

    /**
     * As {@link #start(String)}, with the clock that stamps {@code iat} and {@code exp}.
     *
     * @param defaultAudience the {@code aud} of tokens minted without one of their own
     * @param clock what stamps the tokens' times, e.g. a {@link MutableClock}
     * @return the started issuer; close it when done
     */
    public static FakeOidcIssuer start(String defaultAudience, Clock clock) {
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
    public static FakeOidcIssuer start(String defaultAudience, Clock clock, int port) {
        try {
            return new FakeOidcIssuer(defaultAudience, clock, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake OIDC issuer on loopback", e);
        }
    }

    /**
     * A token with GitHub's claims for {@code octo-org/octo-repo} on {@code main}; override anything.
     *
     * @return a new builder, signing with the current key
     */
    public GitHubTokenBuilder token() {
        return new GitHubTokenBuilder(this, clock());
    }

    /**
     * Also serves {@code GET /token?repository=owner/name&branch=main} (optional {@code agent} is
     * ignored; {@code tag}, {@code event}, {@code audience}, {@code environment}, {@code workflow} (the
     * caller workflow's path) and {@code job_workflow_ref} override), minting a fresh token per
     * call. For demos and manual testing only: anyone who can reach the port can mint tokens.
     *
     * @return this issuer
     */
    @Override
    public FakeOidcIssuer enableMintEndpoint() {
        return super.enableMintEndpoint();
    }

    @Override
    String mint(Map<String, String> query) {
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
        return builder.mint();
    }

    @Override
    Map<String, Object> discoveryDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        doc.put("jwks_uri", jwksUri());
        doc.put("subject_types_supported", List.of("public", "pairwise"));
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        return doc;
    }
}
