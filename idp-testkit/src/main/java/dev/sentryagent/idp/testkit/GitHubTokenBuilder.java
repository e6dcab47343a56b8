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

    /**
     * The repository ({@code owner/name}) the token names; {@code sub}, {@code repository_owner},
     * {@code workflow_ref} and {@code job_workflow_ref} follow it. Default {@code octo-org/octo-repo}.
     *
     * @param repository the {@code repository} claim, {@code owner/name}; {@code null} removes it
     * @return this builder
     */
    public GitHubTokenBuilder repository(String repository) {
        this.repository = repository;
        return this;
    }

    /**
     * The {@code repository_id} claim, sent as a string as GitHub does; default {@code "100"}.
     *
     * @param id the repository's numeric id
     * @return this builder
     */
    public GitHubTokenBuilder repositoryId(long id) {
        return claim("repository_id", Long.toString(id));
    }

    /**
     * The {@code repository_owner_id} claim, sent as a string as GitHub does; default {@code "200"}.
     *
     * @param id the owner's numeric id
     * @return this builder
     */
    public GitHubTokenBuilder repositoryOwnerId(long id) {
        return claim("repository_owner_id", Long.toString(id));
    }

    /**
     * A push to {@code refs/heads/<branch>} ({@code ref_type: branch}).
     *
     * @param branch the branch name, without {@code refs/heads/}
     * @return this builder
     */
    public GitHubTokenBuilder branch(String branch) {
        this.ref = "refs/heads/" + branch;
        this.refType = "branch";
        return this;
    }

    /**
     * A run for tag {@code refs/tags/<tag>} ({@code ref_type: tag}).
     *
     * @param tag the tag name, without {@code refs/tags/}
     * @return this builder
     */
    public GitHubTokenBuilder tag(String tag) {
        this.ref = "refs/tags/" + tag;
        this.refType = "tag";
        return this;
    }

    /**
     * A {@code pull_request} run on the merge ref {@code refs/pull/<n>/merge}, with no {@code ref_type}.
     *
     * @param number the pull request's number
     * @return this builder
     */
    public GitHubTokenBuilder pullRequest(int number) {
        this.ref = "refs/pull/" + number + "/merge";
        this.refType = null;
        this.eventName = "pull_request";
        return this;
    }

    /**
     * Any {@code ref} and {@code ref_type}, for refs the shortcuts above do not make.
     *
     * @param ref the full ref, e.g. {@code refs/heads/main}; {@code null} removes the claim
     * @param refType {@code branch}, {@code tag}, or {@code null} to leave {@code ref_type} out
     * @return this builder
     */
    public GitHubTokenBuilder ref(String ref, String refType) {
        this.ref = ref;
        this.refType = refType;
        return this;
    }

    /**
     * The {@code event_name} claim; default {@code push}.
     *
     * @param eventName the triggering event, e.g. {@code workflow_dispatch}; {@code null} removes it
     * @return this builder
     */
    public GitHubTokenBuilder eventName(String eventName) {
        this.eventName = eventName;
        return this;
    }

    /**
     * The deployment environment of the job ({@code environment}); absent by default.
     *
     * @param environment the environment's name; {@code null} removes the claim
     * @return this builder
     */
    public GitHubTokenBuilder environment(String environment) {
        return claim("environment", environment);
    }

    /**
     * The caller workflow's file in the repository, default {@code .github/workflows/ci.yml}:
     * {@code workflow_ref} becomes {@code <repository>/<path>@<ref>}.
     *
     * @param path the workflow file's path inside the repository
     * @return this builder
     */
    public GitHubTokenBuilder workflow(String path) {
        this.workflowPath = path;
        return this;
    }

    /**
     * The reusable workflow the job runs ({@code job_workflow_ref}), e.g.
     * {@code org/shared/.github/workflows/release.yml@refs/heads/main}; default the caller workflow itself.
     *
     * @param jobWorkflowRef the claim's whole value; {@code null} goes back to the caller workflow
     * @return this builder
     */
    public GitHubTokenBuilder jobWorkflowRef(String jobWorkflowRef) {
        this.jobWorkflowRef = jobWorkflowRef;
        return this;
    }

    /**
     * A job that runs {@code path} of {@code repository} at {@code ref} as a reusable workflow.
     *
     * @param repository the repository holding the reusable workflow, {@code owner/name}
     * @param path the workflow file's path in that repository
     * @param ref the ref it runs at, e.g. {@code refs/heads/main}
     * @return this builder
     */
    public GitHubTokenBuilder reusableWorkflow(String repository, String path, String ref) {
        return jobWorkflowRef(repository + "/" + path + "@" + ref);
    }

    /**
     * {@code ref_protected}: {@code "true"} or {@code "false"} as GitHub sends it; absent by default.
     *
     * @param refProtected whether the ref is protected
     * @return this builder
     */
    public GitHubTokenBuilder refProtected(boolean refProtected) {
        return claim("ref_protected", Boolean.toString(refProtected));
    }

    /**
     * {@code runner_environment}; default {@code github-hosted}.
     *
     * @param runnerEnvironment the claim's value; {@code null} removes it
     * @return this builder
     */
    public GitHubTokenBuilder runnerEnvironment(String runnerEnvironment) {
        return claim("runner_environment", runnerEnvironment);
    }

    /**
     * A job on a self-hosted runner ({@code runner_environment: self-hosted}).
     *
     * @return this builder
     */
    public GitHubTokenBuilder selfHosted() {
        return runnerEnvironment("self-hosted");
    }

    /**
     * A run for a tag whose name is a branch's ({@code refs/tags/<branch>}): whoever may push tags but not to
     * the branch makes such a ref to pass for the branch.
     *
     * @param branch the branch the tag pretends to be
     * @return this builder
     */
    public GitHubTokenBuilder forgeTagNamedLikeBranch(String branch) {
        return tag(branch);
    }

    /**
     * A run whose caller workflow is another repository's file with the expected path: the caller
     * {@code workflow_ref} names {@code otherRepository}, as a workflow of a fork or another repository
     * calling in would.
     *
     * @param otherRepository the repository {@code workflow_ref} names instead, {@code owner/name}
     * @param path the workflow file's path, the one a policy expects
     * @return this builder
     */
    public GitHubTokenBuilder forgeWorkflowOfOtherRepository(String otherRepository, String path) {
        return claim("workflow_ref", otherRepository + "/" + path + "@" + ref);
    }

    /**
     * The {@code jti} claim; default a fresh random UUID per builder.
     *
     * @param jti the token id, e.g. one already used, to test replay; {@code null} removes it
     * @return this builder
     */
    public GitHubTokenBuilder jti(String jti) {
        return claim("jti", jti);
    }

    /**
     * The {@code iss} claim; default the fake issuer's own URL.
     *
     * @param iss the issuer the token claims; {@code null} removes it
     * @return this builder
     */
    public GitHubTokenBuilder issuer(String iss) {
        return claim("iss", iss);
    }

    /**
     * One audience, or several (an array); default the issuer's default audience.
     *
     * @param audiences the {@code aud} values; one makes a string, more make an array
     * @return this builder
     */
    public GitHubTokenBuilder audience(String... audiences) {
        return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    /**
     * The {@code iat} claim, which {@code nbf} and {@code exp} follow; default the clock's current second.
     *
     * @param iat when the token claims to have been issued
     * @return this builder
     */
    public GitHubTokenBuilder issuedAt(Instant iat) {
        this.issuedAt = iat;
        return this;
    }

    /**
     * {@code exp} this long after {@code iat}; default five minutes.
     *
     * @param lifetime the time from {@code iat} to {@code exp}
     * @return this builder
     */
    public GitHubTokenBuilder lifetime(Duration lifetime) {
        this.lifetime = lifetime;
        return this;
    }

    /**
     * Issued fifteen minutes ago and expired ten minutes ago.
     *
     * @return this builder
     */
    public GitHubTokenBuilder expired() {
        this.issuedAt = issuedAt.minus(Duration.ofMinutes(15));
        this.lifetime = Duration.ofMinutes(5);
        return this;
    }

    /**
     * {@code nbf} ten minutes ahead.
     *
     * @return this builder
     */
    public GitHubTokenBuilder notYetValid() {
        return claim("nbf", issuedAt.plus(Duration.ofMinutes(10)).getEpochSecond());
    }

    /**
     * Any claim, overriding the defaults; {@code null} removes it.
     *
     * @param name the claim's name
     * @param value its JSON value (string, number, boolean, list or map); {@code null} removes the claim
     * @return this builder
     */
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

    /**
     * Removes a claim, e.g. {@code jti} or {@code exp}.
     *
     * @param name the claim to leave out of the token
     * @return this builder
     */
    public GitHubTokenBuilder without(String name) {
        claims.put(name, null);
        return this;
    }

    /**
     * An extra JOSE header, e.g. {@code jku} or {@code crit}.
     *
     * @param name the header's name
     * @param value its JSON value
     * @return this builder
     */
    public GitHubTokenBuilder header(String name, Object value) {
        headers.put(name, value);
        return this;
    }

    /**
     * A {@code kid} header other than the signing key's.
     *
     * @param kid the key id to put in the header
     * @return this builder
     */
    public GitHubTokenBuilder kid(String kid) {
        this.kid = kid;
        return this;
    }

    /**
     * No {@code kid} header.
     *
     * @return this builder
     */
    public GitHubTokenBuilder withoutKid() {
        this.noKid = true;
        return this;
    }

    /**
     * The claims as they would be signed.
     *
     * @return a new claim set each call; changing it does not change the builder
     */
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

    /**
     * A token signed, as GitHub would, by the issuer's current key.
     *
     * @return the compact JWS
     */
    public String mint() {
        RsaJsonWebKey key = issuer.currentKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), noKid ? null : kid != null ? kid : key.getKeyId());
    }

    /**
     * {@code alg: none}, no signature.
     *
     * @return the compact JWS, with an empty signature part
     */
    public String forgeAlgNone() {
        return sign(AlgorithmIdentifiers.NONE, null, issuer.currentKey().getKeyId());
    }

    /**
     * HS256 keyed with the issuer's public key: the classic algorithm-confusion attack.
     *
     * @return the compact JWS
     */
    public String forgeHmacWithPublicKey() {
        return sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(issuer.currentKey().getPublicKey().getEncoded()),
                issuer.currentKey().getKeyId());
    }

    /**
     * Signed by an attacker's RSA key, with the {@code kid} of the issuer's real key.
     *
     * @return the compact JWS
     */
    public String forgeUnknownKeyWithKnownKid() {
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /**
     * Signed by an attacker's key, which a {@code jwk} header embeds.
     *
     * @return the compact JWS
     */
    public String forgeEmbeddedJwk() {
        headers.put("jwk", ATTACKER_KEY.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /**
     * Signed by an attacker's key, with a {@code jku} header pointing at {@code url}.
     *
     * @param url where the header says the signing key can be fetched
     * @return the compact JWS
     */
    public String forgeJku(String url) {
        headers.put("jku", url);
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /**
     * Signed by the issuer's real key but with another asymmetric algorithm's name (e.g. PS256).
     *
     * @param alg the JWS algorithm name to sign with and put in the header
     * @return the compact JWS
     */
    public String forgeAlgorithm(String alg) {
        return sign(alg, issuer.currentKey().getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /**
     * Signed by the issuer's real key, then the signature re-encoded with base64 padding ({@code =}): the
     * same bytes, a second spelling of the token.
     *
     * @return the compact JWS with a padded signature part
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
     *
     * @return the compact JWS
     * @throws IllegalStateException if a {@code workflow} claim other than the default {@code "CI"} was set
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

    /**
     * A fresh key pair from outside the issuer, for tests that need one.
     *
     * @return the attacker's RSA key pair, the same one for the whole JVM
     */
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
