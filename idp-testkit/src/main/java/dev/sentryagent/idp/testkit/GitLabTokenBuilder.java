package dev.sentryagent.idp.testkit;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Mints one GitLab CI ID token (the {@code id_tokens:} keyword) with GitLab's claim set, typed as
 * GitLab sends it: ids ({@code project_id}, {@code namespace_id}, {@code user_id},
 * {@code pipeline_id}, {@code job_id}) and the booleans {@code ref_protected} and
 * {@code environment_protected} are JSON strings; {@code runner_id}, {@code iat}, {@code nbf} and
 * {@code exp} are numbers.
 *
 * <p>Defaults: a {@code push} pipeline on the protected branch {@code main} of the nested project
 * {@code acme/platform/deployer} (project id 100, namespace {@code acme/platform} id 200, the same
 * ids as {@link GitHubTokenBuilder}'s repository so that provider-parameterised tests can share
 * them), user {@code gitlab-user} (maintainer), a GitLab-hosted runner, the pipeline defined by
 * the project's own {@code .gitlab-ci.yml}, a fresh {@code jti}, {@code nbf} five seconds before
 * {@code iat} and {@code exp} one hour after it (GitLab uses the job's timeout, one hour by
 * default). The claims of GitLab 18.4 and later are included: {@code job_project_id},
 * {@code job_project_path}, {@code job_namespace_id}, {@code job_namespace_path}, which name the
 * project running the job (see {@link #forkMergeRequest}); {@link #withoutJobProjectClaims()}
 * makes a token of an older instance.
 *
 * <p>Every claim can be overridden or removed; the {@code forge...} methods make the attacks a
 * verifier must refuse.
 */
public final class GitLabTokenBuilder {
    private static final RsaJsonWebKey ATTACKER_KEY;

    static {
        try {
            ATTACKER_KEY = RsaJwkGenerator.generateJwk(2048);
            ATTACKER_KEY.setKeyId("attacker-key");
        } catch (JoseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // GitLab's guess of an environment's deployment tier from its name, in GitLab's order.
    private static final List<Map.Entry<Pattern, String>> TIER_GUESS = List.of(
            Map.entry(Pattern.compile("(dev|review|trunk)"), "development"),
            Map.entry(Pattern.compile("(test|tst|int|ac(ce|)pt|qa|qc|control|quality)"), "testing"),
            Map.entry(Pattern.compile("(st(a|)g|mod(e|)l|pre|demo|non)"), "staging"),
            Map.entry(Pattern.compile("(pr(o|)d|live)"), "production"));

    private final FakeGitLabIssuer issuer;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Set<String> explicitNulls = new HashSet<>();
    private final Map<String, Object> headers = new LinkedHashMap<>();
    private String projectPath = "acme/platform/deployer";
    private String projectId = "100";
    private String namespaceId = "200";
    private String sourceProjectPath;
    private String sourceProjectId;
    private String sourceNamespaceId;
    private boolean jobProjectClaims = true;
    private String ref = "main";
    private String refType = "branch";
    private String refPath = "refs/heads/main";
    private String refProtected = "true";
    private String pipelineSource = "push";
    private String ciConfigPath = ".gitlab-ci.yml";
    private boolean ciConfigOutsideProject;
    private Instant issuedAt;
    private Duration lifetime = Duration.ofHours(1);
    private String kid;
    private boolean noKid;

    GitLabTokenBuilder(FakeGitLabIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        claims.put("iss", issuer.issuer());
        claims.put("aud", issuer.defaultAudience());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("user_id", "300");
        claims.put("user_login", "gitlab-user");
        claims.put("user_email", "gitlab-user@example.com");
        claims.put("user_access_level", "maintainer");
        claims.put("pipeline_id", "4242");
        claims.put("job_id", "8080");
        claims.put("runner_id", 12270835L);
        claims.put("runner_environment", "gitlab-hosted");
        claims.put("sha", "0123456789abcdef0123456789abcdef01234567");
        claims.put("project_visibility", "private");
    }

    /**
     * The project running the job, {@code group[/subgroup...]/project}; {@code namespace_path} is
     * everything before the last {@code /}.
     */
    public GitLabTokenBuilder projectPath(String projectPath) {
        this.projectPath = projectPath;
        return this;
    }

    /** The {@code project_id} (sent as a string). */
    public GitLabTokenBuilder projectId(long id) {
        this.projectId = Long.toString(id);
        return this;
    }

    /** The {@code namespace_id} (sent as a string). */
    public GitLabTokenBuilder namespaceId(long id) {
        this.namespaceId = Long.toString(id);
        return this;
    }

    /** A pipeline for branch {@code <branch>}: {@code ref_type} branch, {@code ref_path} {@code refs/heads/<branch>}. */
    public GitLabTokenBuilder branch(String branch) {
        return ref(branch, "branch", "refs/heads/" + branch);
    }

    /** A pipeline for tag {@code <tag>}: {@code ref_type} tag, {@code ref_path} {@code refs/tags/<tag>}. */
    public GitLabTokenBuilder tag(String tag) {
        return ref(tag, "tag", "refs/tags/" + tag);
    }

    /** {@code ref} (GitLab's short name), {@code ref_type} and {@code ref_path} as given, for odd cases. */
    public GitLabTokenBuilder ref(String ref, String refType, String refPath) {
        this.ref = ref;
        this.refType = refType;
        this.refPath = refPath;
        return this;
    }

    /** {@code ref_protected}, sent as the string {@code "true"} or {@code "false"}; default true. */
    public GitLabTokenBuilder refProtected(boolean isProtected) {
        this.refProtected = Boolean.toString(isProtected);
        return this;
    }

    /** {@code pipeline_source}: {@code push}, {@code web}, {@code schedule}, {@code merge_request_event}, ... */
    public GitLabTokenBuilder pipelineSource(String pipelineSource) {
        this.pipelineSource = pipelineSource;
        return this;
    }

    /**
     * A merge-request pipeline from a branch of the same project: {@code pipeline_source}
     * {@code merge_request_event}; {@code ref} and {@code ref_path} name the source branch (GitLab
     * sends the source branch, not {@code refs/merge-requests/<iid>/head}); an unprotected ref.
     */
    public GitLabTokenBuilder mergeRequest(String sourceBranch) {
        branch(sourceBranch);
        this.refProtected = "false";
        this.pipelineSource = "merge_request_event";
        return this;
    }

    /**
     * A merge-request pipeline from a fork, run in this (the target) project, as GitLab 18.2.2
     * and later shape it: {@code project_id}, {@code project_path}, {@code namespace_id},
     * {@code namespace_path} and the {@code sub} name the fork (the merge request's source
     * project); {@code job_project_id}, {@code job_project_path}, {@code job_namespace_id},
     * {@code job_namespace_path} name the project running the job; {@code ref}/{@code ref_path}
     * are the fork's source branch, unprotected; {@code pipeline_source} is
     * {@code merge_request_event}. GitLab sends no claim saying "fork": a verifier sees it only
     * as {@code project_id != job_project_id}.
     */
    public GitLabTokenBuilder forkMergeRequest(String forkProjectPath, long forkProjectId, long forkNamespaceId,
            String sourceBranch) {
        this.sourceProjectPath = forkProjectPath;
        this.sourceProjectId = Long.toString(forkProjectId);
        this.sourceNamespaceId = Long.toString(forkNamespaceId);
        return mergeRequest(sourceBranch);
    }

    /** Leaves out the {@code job_project_*} and {@code job_namespace_*} claims, as GitLab before 18.4 does. */
    public GitLabTokenBuilder withoutJobProjectClaims() {
        this.jobProjectClaims = false;
        return this;
    }

    /**
     * A job with {@code environment: <name>}: adds {@code environment},
     * {@code environment_protected} {@code "false"}, {@code deployment_tier} as GitLab guesses it
     * from the name, and {@code environment_action} {@code start}.
     */
    public GitLabTokenBuilder environment(String name) {
        return environment(name, guessTier(name), false);
    }

    /** As {@link #environment(String)} with the tier and the protection given. */
    public GitLabTokenBuilder environment(String name, String deploymentTier, boolean isProtected) {
        claims.put("environment", name);
        claims.put("environment_protected", Boolean.toString(isProtected));
        claims.put("deployment_tier", deploymentTier);
        claims.put("environment_action", "start");
        return this;
    }

    /** {@code runner_environment}: {@code gitlab-hosted} (default) or {@code self-hosted}. */
    public GitLabTokenBuilder runnerEnvironment(String runnerEnvironment) {
        return claim("runner_environment", runnerEnvironment);
    }

    /** {@code user_access_level}: {@code guest}, {@code reporter}, {@code developer}, {@code maintainer}, {@code owner}. */
    public GitLabTokenBuilder userAccessLevel(String level) {
        return claim("user_access_level", level);
    }

    /**
     * The path of the pipeline definition in the project running the job, default
     * {@code .gitlab-ci.yml}: {@code ci_config_ref_uri} is
     * {@code <host>/<project path>//<path>@<ref_path>}.
     */
    public GitLabTokenBuilder ciConfigPath(String path) {
        this.ciConfigPath = path;
        this.ciConfigOutsideProject = false;
        return this;
    }

    /**
     * A pipeline defined outside the project (another project's file, a remote URL): GitLab sends
     * {@code ci_config_ref_uri} and {@code ci_config_sha} as JSON {@code null}.
     */
    public GitLabTokenBuilder ciConfigOutsideProject() {
        this.ciConfigOutsideProject = true;
        return this;
    }

    /** The {@code jti}. */
    public GitLabTokenBuilder jti(String jti) {
        return claim("jti", jti);
    }

    /** The {@code iss}, e.g. another instance's URL. */
    public GitLabTokenBuilder issuer(String iss) {
        return claim("iss", iss);
    }

    /** One audience, or several (an array). */
    public GitLabTokenBuilder audience(String... audiences) {
        return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    /** {@code iat}; {@code nbf} is five seconds before it, as GitLab sets it. */
    public GitLabTokenBuilder issuedAt(Instant iat) {
        this.issuedAt = iat;
        return this;
    }

    /** {@code exp} this long after {@code iat}; default one hour (GitLab: the job's timeout). */
    public GitLabTokenBuilder lifetime(Duration lifetime) {
        this.lifetime = lifetime;
        return this;
    }

    /** Issued two hours ago and expired one hour ago. */
    public GitLabTokenBuilder expired() {
        this.issuedAt = issuedAt.minus(Duration.ofHours(2));
        this.lifetime = Duration.ofHours(1);
        return this;
    }

    /** {@code nbf} ten minutes ahead. */
    public GitLabTokenBuilder notYetValid() {
        return claim("nbf", issuedAt.plus(Duration.ofMinutes(10)).getEpochSecond());
    }

    /**
     * Any claim, overriding the defaults and the derived claims ({@code sub},
     * {@code namespace_path}, {@code ci_config_ref_uri}, ...); {@code null} removes it.
     */
    public GitLabTokenBuilder claim(String name, Object value) {
        explicitNulls.remove(name);
        claims.put(name, value);
        return this;
    }

    /** Removes a claim, e.g. {@code jti} or {@code project_id}. */
    public GitLabTokenBuilder without(String name) {
        return claim(name, null);
    }

    /** A claim present with the JSON value {@code null}. */
    public GitLabTokenBuilder nullClaim(String name) {
        claims.remove(name);
        explicitNulls.add(name);
        return this;
    }

    /** An extra JOSE header, e.g. {@code jku} or {@code crit}. */
    public GitLabTokenBuilder header(String name, Object value) {
        headers.put(name, value);
        return this;
    }

    /** A {@code kid} header other than the signing key's. */
    public GitLabTokenBuilder kid(String kid) {
        this.kid = kid;
        return this;
    }

    /** No {@code kid} header. */
    public GitLabTokenBuilder withoutKid() {
        this.noKid = true;
        return this;
    }

    /** The claims as they would be signed. */
    public JwtClaims claims() {
        try {
            return JwtClaims.parse(payload());
        } catch (InvalidJwtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims as the JSON text that is signed (JSON {@code null}s included). */
    public String payload() {
        String claimProjectPath = sourceProjectPath != null ? sourceProjectPath : projectPath;
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("namespace_id", sourceNamespaceId != null ? sourceNamespaceId : namespaceId);
        all.put("namespace_path", namespaceOf(claimProjectPath));
        all.put("project_id", sourceProjectId != null ? sourceProjectId : projectId);
        all.put("project_path", claimProjectPath);
        if (jobProjectClaims) {
            all.put("job_project_id", projectId);
            all.put("job_project_path", projectPath);
            all.put("job_namespace_id", namespaceId);
            all.put("job_namespace_path", namespaceOf(projectPath));
        }
        all.put("user_id", null);
        all.put("user_login", null);
        all.put("user_email", null);
        all.put("user_access_level", null);
        all.put("pipeline_id", null);
        all.put("pipeline_source", pipelineSource);
        all.put("job_id", null);
        all.put("ref", ref);
        all.put("ref_type", refType);
        all.put("ref_path", refPath);
        all.put("ref_protected", refProtected);
        all.put("environment", null);
        all.put("environment_protected", null);
        all.put("deployment_tier", null);
        all.put("environment_action", null);
        all.put("runner_id", null);
        all.put("runner_environment", null);
        all.put("sha", null);
        all.put("project_visibility", null);
        Set<String> nulls = new HashSet<>(explicitNulls);
        if (ciConfigOutsideProject) {
            nulls.add("ci_config_ref_uri");
            nulls.add("ci_config_sha");
        } else {
            // The definition is read from the project running the job, at the pipeline's ref.
            all.put("ci_config_ref_uri", issuer.host() + "/" + projectPath + "//" + ciConfigPath + "@" + refPath);
            all.put("ci_config_sha", claims.get("sha"));
        }
        all.put("jti", null);
        all.put("iss", null);
        all.put("iat", issuedAt.getEpochSecond());
        all.put("nbf", issuedAt.minusSeconds(5).getEpochSecond());
        all.put("exp", issuedAt.plus(lifetime).getEpochSecond());
        all.put("sub", "project_path:" + claimProjectPath + ":ref_type:" + refType + ":ref:" + ref);
        all.put("aud", null);
        all.putAll(claims);
        all.values().removeIf(v -> v == null);
        for (String name : nulls) {
            all.put(name, null);
        }
        return JsonUtil.toJson(all);
    }

    /** A token signed, as GitLab would, by the issuer's current CI key. */
    public String mint() {
        RsaJsonWebKey key = issuer.currentKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(),
                noKid ? null : kid != null ? kid : key.getKeyId());
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

    /**
     * Signed by the instance's OpenID Connect key, which the key set publishes but GitLab never
     * uses for CI ID tokens; the token names that key's {@code kid}, so it verifies. A verifier
     * cannot tell the two published keys apart; this variant exists to show that.
     */
    public String signedByInstanceOidcKey() {
        RsaJsonWebKey key = issuer.instanceOidcKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), key.getKeyId());
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

    /** The attacker's key pair the forged variants sign with, for tests that need one. */
    public static KeyPair attackerKeyPair() {
        return new KeyPair(ATTACKER_KEY.getPublicKey(), ATTACKER_KEY.getPrivateKey());
    }

    private static String namespaceOf(String path) {
        if (path == null) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private static String guessTier(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<Pattern, String> guess : TIER_GUESS) {
            if (guess.getKey().matcher(lower).find()) {
                return guess.getValue();
            }
        }
        return "other";
    }

    private String sign(String alg, java.security.Key key, String keyId) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload());
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
