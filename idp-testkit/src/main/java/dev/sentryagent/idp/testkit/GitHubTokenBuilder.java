package dev.sentryagent.idp.testkit;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Mints one token with GitHub Actions' claim set. Defaults: repository {@code octo-org/octo-repo}
 * (ids 100 and 200), branch {@code main}, event {@code push}, a fresh {@code jti}, valid for five
 * minutes. Every claim can be overridden or removed; the {@code forge...} methods make the
 * attacks a verifier must refuse.
 */
public final class GitHubTokenBuilder {
    private static final RsaJsonWebKey ATTACKER_KEY;

    static {
        try {
            ATTACKER_KEY = RsaJwkGenerator.generateJwk(2048);
            ATTACKER_KEY.setKeyId("attacker-key");
        } catch (JoseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FakeOidcIssuer issuer;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Map<String, Object> headers = new LinkedHashMap<>();
    private String repository = "octo-org/octo-repo";
    private String ref = "refs/heads/main";
    private String refType = "branch";
    private String eventName = "push";
    private String workflowPath = ".github/workflows/ci.yml";
    private String jobWorkflowRef;
    private Instant issuedAt;
    private Duration lifetime = Duration.ofMinutes(5);
    private String kid;
    private boolean noKid;

    GitHubTokenBuilder(FakeOidcIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        claims.put("iss", issuer.issuer());
        claims.put("aud", issuer.defaultAudience());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("repository_id", "100");
        claims.put("repository_owner_id", "200");
        claims.put("repository_visibility", "private");
        claims.put("actor", "octocat");
        claims.put("actor_id", "300");
        claims.put("sha", "0123456789abcdef0123456789abcdef01234567");
        claims.put("run_id", "4242");
        claims.put("run_number", "7");
        claims.put("run_attempt", "1");
        claims.put("runner_environment", "github-hosted");
    }

    public GitHubTokenBuilder repository(String repository) {
        this.repository = repository;
        return this;
    }

    public GitHubTokenBuilder repositoryId(long id) {
        return claim("repository_id", Long.toString(id));
    }

    public GitHubTokenBuilder repositoryOwnerId(long id) {
        return claim("repository_owner_id", Long.toString(id));
    }

    /** A push to {@code refs/heads/<branch>}. */
    public GitHubTokenBuilder branch(String branch) {
        this.ref = "refs/heads/" + branch;
        this.refType = "branch";
        return this;
    }

    /** A run for tag {@code refs/tags/<tag>}. */
    public GitHubTokenBuilder tag(String tag) {
        this.ref = "refs/tags/" + tag;
        this.refType = "tag";
        return this;
    }

    /** A {@code pull_request} run on the merge ref {@code refs/pull/<n>/merge}. */
    public GitHubTokenBuilder pullRequest(int number) {
        this.ref = "refs/pull/" + number + "/merge";
        this.refType = null;
        this.eventName = "pull_request";
        return this;
    }

    public GitHubTokenBuilder ref(String ref, String refType) {
        this.ref = ref;
        this.refType = refType;
        return this;
    }

    public GitHubTokenBuilder eventName(String eventName) {
        this.eventName = eventName;
        return this;
    }

    /** The deployment environment of the job ({@code environment}); absent by default. */
    public GitHubTokenBuilder environment(String environment) {
        return claim("environment", environment);
    }

    /**
     * The caller workflow's file in the repository, default {@code .github/workflows/ci.yml}:
     * {@code workflow_ref} becomes {@code <repository>/<path>@<ref>}.
     */
    public GitHubTokenBuilder workflow(String path) {
        this.workflowPath = path;
        return this;
    }

    /**
     * The reusable workflow the job runs ({@code job_workflow_ref}), e.g.
     * {@code org/shared/.github/workflows/release.yml@refs/heads/main}; default the caller workflow itself.
     */
    public GitHubTokenBuilder jobWorkflowRef(String jobWorkflowRef) {
        this.jobWorkflowRef = jobWorkflowRef;
        return this;
    }

    /** A job that runs {@code path} of {@code repository} at {@code ref} as a reusable workflow. */
    public GitHubTokenBuilder reusableWorkflow(String repository, String path, String ref) {
        return jobWorkflowRef(repository + "/" + path + "@" + ref);
    }

    /** {@code ref_protected}: {@code "true"} or {@code "false"} as GitHub sends it; absent by default. */
    public GitHubTokenBuilder refProtected(boolean refProtected) {
        return claim("ref_protected", Boolean.toString(refProtected));
    }

    /** {@code runner_environment}; default {@code github-hosted}. */
    public GitHubTokenBuilder runnerEnvironment(String runnerEnvironment) {
        return claim("runner_environment", runnerEnvironment);
    }

    /** A job on a self-hosted runner ({@code runner_environment: self-hosted}). */
    public GitHubTokenBuilder selfHosted() {
        return runnerEnvironment("self-hosted");
    }

    /**
     * A run for a tag whose name is a branch's ({@code refs/tags/<branch>}): whoever may push tags
     * but not to the branch makes such a ref to pass for the branch.
     */
    public GitHubTokenBuilder forgeTagNamedLikeBranch(String branch) {
        return tag(branch);
    }

    /**
     * A run whose caller workflow is another repository's file with the expected path: the caller
     * {@code workflow_ref} names {@code otherRepository}, as a workflow of a fork or another
     * repository calling in would.
     */
    public GitHubTokenBuilder forgeWorkflowOfOtherRepository(String otherRepository, String path) {
        return claim("workflow_ref", otherRepository + "/" + path + "@" + ref);
    }

    public GitHubTokenBuilder jti(String jti) {
        return claim("jti", jti);
    }

    public GitHubTokenBuilder issuer(String iss) {
        return claim("iss", iss);
    }

    /** One audience, or several (an array). */
    public GitHubTokenBuilder audience(String... audiences) {
        return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    public GitHubTokenBuilder issuedAt(Instant iat) {
        this.issuedAt = iat;
        return this;
    }

    /** {@code exp} this long after {@code iat}; default five minutes. */
    public GitHubTokenBuilder lifetime(Duration lifetime) {
        this.lifetime = lifetime;
        return this;
    }

    /** Issued fifteen minutes ago and expired ten minutes ago. */
    public GitHubTokenBuilder expired() {
        this.issuedAt = issuedAt.minus(Duration.ofMinutes(15));
        this.lifetime = Duration.ofMinutes(5);
        return this;
    }

    /** {@code nbf} ten minutes ahead. */
    public GitHubTokenBuilder notYetValid() {
        return claim("nbf", issuedAt.plus(Duration.ofMinutes(10)).getEpochSecond());
    }

    /** Any claim, overriding the defaults; {@code null} removes it. */
    public GitHubTokenBuilder claim(String name, Object value) {
        switch (name) {
            case "repository" -> this.repository = (String) value;
            case "ref" -> this.ref = (String) value;
            case "ref_type" -> this.refType = (String) value;
            case "event_name" -> this.eventName = (String) value;
            default -> {
                if (value == null) {
                    claims.remove(name);
                } else {
                    claims.put(name, value);
                }
                return this;
            }
        }
        return this;
    }

    /** Removes a claim, e.g. {@code jti} or {@code exp}. */
    public GitHubTokenBuilder without(String name) {
        claims.put(name, null);
        return this;
    }

    /** An extra JOSE header, e.g. {@code jku} or {@code crit}. */
    public GitHubTokenBuilder header(String name, Object value) {
        headers.put(name, value);
        return this;
    }

    /** A {@code kid} header other than the signing key's. */
    public GitHubTokenBuilder kid(String kid) {
        this.kid = kid;
        return this;
    }

    /** No {@code kid} header. */
    public GitHubTokenBuilder withoutKid() {
        this.noKid = true;
        return this;
    }

    /** The claims as they would be signed. */
    public JwtClaims claims() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("sub", subject());
        all.put("repository", repository);
        all.put("repository_owner", repository == null ? null : repository.substring(0, Math.max(0, repository.indexOf('/'))));
        all.put("ref", ref);
        all.put("ref_type", refType);
        all.put("event_name", eventName);
        all.put("workflow", "CI");
        all.put("workflow_ref", repository + "/" + workflowPath + "@" + ref);
        all.put("job_workflow_ref", jobWorkflowRef != null ? jobWorkflowRef : repository + "/" + workflowPath + "@" + ref);
        all.put("iat", issuedAt.getEpochSecond());
        all.put("nbf", issuedAt.getEpochSecond());
        all.put("exp", issuedAt.plus(lifetime).getEpochSecond());
        all.putAll(claims);
        all.values().removeIf(v -> v == null);
        try {
            return JwtClaims.parse(org.jose4j.json.JsonUtil.toJson(all));
        } catch (org.jose4j.jwt.consumer.InvalidJwtException e) {
            throw new IllegalStateException(e);
        }
    }

    private String subject() {
        Object sub = claims.get("sub");
        if (sub != null) {
            return sub.toString();
        }
        return "repo:" + repository + ":ref:" + ref;
    }

    /** A token signed, as GitHub would, by the issuer's current key. */
    public String mint() {
        RsaJsonWebKey key = issuer.currentKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), noKid ? null : kid != null ? kid : key.getKeyId());
    }

    /** {@code alg: none}, no signature. */
    public String forgeAlgNone() {
        return sign(AlgorithmIdentifiers.NONE, null, issuer.currentKey().getKeyId());
    }

    /** HS256 keyed with the issuer's public key: the classic algorithm-confusion attack. */
    public String forgeHmacWithPublicKey() {
        return sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(issuer.currentKey().getPublicKey().getEncoded()),
                issuer.currentKey().getKeyId());
    }

    /** Signed by an attacker's RSA key, with the {@code kid} of the issuer's real key. */
    public String forgeUnknownKeyWithKnownKid() {
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /** Signed by an attacker's key, which a {@code jwk} header embeds. */
    public String forgeEmbeddedJwk() {
        headers.put("jwk", ATTACKER_KEY.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /** Signed by an attacker's key, with a {@code jku} header pointing at {@code url}. */
    public String forgeJku(String url) {
        headers.put("jku", url);
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /** Signed by the issuer's real key but with another asymmetric algorithm's name (e.g. PS256). */
    public String forgeAlgorithm(String alg) {
        return sign(alg, issuer.currentKey().getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /**
     * Signed by the issuer's real key, then the signature re-encoded with base64 padding
     * ({@code =}): the same bytes, a second spelling of the token.
     */
    public String forgePaddedSignature() {
        String token = mint();
        int dot = token.lastIndexOf('.');
        String signature = token.substring(dot + 1);
        return token.substring(0, dot + 1) + signature + "=".repeat((4 - signature.length() % 4) % 4);
    }

    /**
     * Signed by the issuer's real key over claims that are not valid UTF-8: byte 0xFF inside the
     * {@code workflow} string, which a lenient decoder reads as U+FFFD.
     */
    public String forgeInvalidUtf8Claims() {
        byte[] json = claims().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] marker = "\"CI\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = indexOf(json, marker);
        if (at < 0) {
            throw new IllegalStateException("the workflow claim is missing");
        }
        byte[] bad = new byte[json.length + 1];
        System.arraycopy(json, 0, bad, 0, at + 3);
        bad[at + 3] = (byte) 0xFF;
        System.arraycopy(json, at + 3, bad, at + 4, json.length - at - 3);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayloadBytes(bad);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(issuer.currentKey().getKeyId());
        jws.setKey(issuer.currentKey().getPrivateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the test token", e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A fresh key pair from outside the issuer, for tests that need one. */
    public static KeyPair attackerKeyPair() {
        return new KeyPair(ATTACKER_KEY.getPublicKey(), ATTACKER_KEY.getPrivateKey());
    }

    private String sign(String alg, java.security.Key key, String keyId) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims().toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setHeader("typ", "JWT");
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        headers.forEach((name, value) -> jws.getHeaders().setObjectHeaderValue(name, value));
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setDoKeyValidation(false);
        if (key != null) {
            jws.setKey(key);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the test token", e);
        }
    }
}
