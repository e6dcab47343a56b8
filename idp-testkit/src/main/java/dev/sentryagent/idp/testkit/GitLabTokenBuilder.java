package dev.sentryagent.idp.testkit;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

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
 * <p>Every claim can be overridden or removed; the {@code forge...} methods (here and in
 * {@link AbstractTokenBuilder}) make the attacks a verifier must refuse.
 */
public final class GitLabTokenBuilder extends AbstractTokenBuilder<GitLabTokenBuilder> {
    // GitLab's guess of an environment's deployment tier from its name, in GitLab's order.
    private static final List<Map.Entry<Pattern, String>> TIER_GUESS = List.of(
            Map.entry(Pattern.compile("(dev|review|trunk)"), "development"),
            Map.entry(Pattern.compile("(test|tst|int|ac(ce|)pt|qa|qc|control|quality)"), "testing"),
            Map.entry(Pattern.compile("(st(a|)g|mod(e|)l|pre|demo|non)"), "staging"),
            Map.entry(Pattern.compile("(pr(o|)d|live)"), "production"));

    private final FakeGitLabIssuer issuer;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Set<String> explicitNulls = new HashSet<>();
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

    GitLabTokenBuilder(FakeGitLabIssuer issuer, Clock clock) {
        // GitLab's tokens live as long as the job's timeout, one hour by default.
        super(issuer, clock, Duration.ofHours(1), Duration.ofHours(1));
        this.issuer = issuer;
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
     *
     * @param projectPath the {@code project_path}, e.g. {@code acme/platform/deployer}
     * @return this builder
     */
    public GitLabTokenBuilder projectPath(String projectPath) {
        this.projectPath = projectPath;
        return this;
    }

    /**
     * The {@code project_id} (sent as a string).
     *
     * @param id the project's numeric id
     * @return this builder
     */
    public GitLabTokenBuilder projectId(long id) {
        this.projectId = Long.toString(id);
        return this;
    }

    /**
     * The {@code namespace_id} (sent as a string).
     *
     * @param id the namespace's numeric id
     * @return this builder
     */
    public GitLabTokenBuilder namespaceId(long id) {
        this.namespaceId = Long.toString(id);
        return this;
    }

    /**
     * A pipeline for branch {@code <branch>}: {@code ref_type} branch, {@code ref_path} {@code refs/heads/<branch>}.
     *
     * @param branch the branch name, without {@code refs/heads/}
     * @return this builder
     */
    public GitLabTokenBuilder branch(String branch) {
        return ref(branch, "branch", "refs/heads/" + branch);
    }

    /**
     * A pipeline for tag {@code <tag>}: {@code ref_type} tag, {@code ref_path} {@code refs/tags/<tag>}.
     *
     * @param tag the tag name, without {@code refs/tags/}
     * @return this builder
     */
    public GitLabTokenBuilder tag(String tag) {
        return ref(tag, "tag", "refs/tags/" + tag);
    }

    /**
     * {@code ref} (GitLab's short name), {@code ref_type} and {@code ref_path} as given, for odd cases.
     *
     * @param ref the {@code ref} claim, GitLab's short name
     * @param refType the {@code ref_type} claim, {@code branch} or {@code tag} for real tokens
     * @param refPath the {@code ref_path} claim, the full ref
     * @return this builder
     */
    public GitLabTokenBuilder ref(String ref, String refType, String refPath) {
        this.ref = ref;
        this.refType = refType;
        this.refPath = refPath;
        return this;
    }

    /**
     * {@code ref_protected}, sent as the string {@code "true"} or {@code "false"}; default true.
     *
     * @param isProtected whether the ref is protected
     * @return this builder
     */
    public GitLabTokenBuilder refProtected(boolean isProtected) {
        this.refProtected = Boolean.toString(isProtected);
        return this;
    }

    /**
     * {@code pipeline_source}: {@code push}, {@code web}, {@code schedule}, {@code merge_request_event}, ...
     *
     * @param pipelineSource what started the pipeline
     * @return this builder
     */
    public GitLabTokenBuilder pipelineSource(String pipelineSource) {
        this.pipelineSource = pipelineSource;
        return this;
    }

    /**
     * A merge-request pipeline from a branch of the same project: {@code pipeline_source}
     * {@code merge_request_event}; {@code ref} and {@code ref_path} name the source branch (GitLab
     * sends the source branch, not {@code refs/merge-requests/<iid>/head}); an unprotected ref.
     *
     * @param sourceBranch the merge request's source branch
     * @return this builder
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
     *
     * @param forkProjectPath the fork's project path, which {@code project_path} and {@code sub} name
     * @param forkProjectId the fork's project id, sent as {@code project_id}
     * @param forkNamespaceId the fork's namespace id, sent as {@code namespace_id}
     * @param sourceBranch the fork's branch the merge request comes from
     * @return this builder
     */
    public GitLabTokenBuilder forkMergeRequest(String forkProjectPath, long forkProjectId, long forkNamespaceId,
            String sourceBranch) {
        this.sourceProjectPath = forkProjectPath;
        this.sourceProjectId = Long.toString(forkProjectId);
        this.sourceNamespaceId = Long.toString(forkNamespaceId);
        return mergeRequest(sourceBranch);
    }

    /**
     * Leaves out the {@code job_project_*} and {@code job_namespace_*} claims, as GitLab before 18.4 does.
     *
     * @return this builder
     */
    public GitLabTokenBuilder withoutJobProjectClaims() {
        this.jobProjectClaims = false;
        return this;
    }

    /**
     * A job with {@code environment: <name>}: adds {@code environment},
     * {@code environment_protected} {@code "false"}, {@code deployment_tier} as GitLab guesses it
     * from the name, and {@code environment_action} {@code start}.
     *
     * @param name the environment's name
     * @return this builder
     */
    public GitLabTokenBuilder environment(String name) {
        return environment(name, guessTier(name), false);
    }

    /**
     * As {@link #environment(String)} with the tier and the protection given.
     *
     * @param name the environment's name
     * @param deploymentTier the {@code deployment_tier}, e.g. {@code production}
     * @param isProtected whether the environment is protected ({@code environment_protected})
     * @return this builder
     */
    public GitLabTokenBuilder environment(String name, String deploymentTier, boolean isProtected) {
        claims.put("environment", name);
        claims.put("environment_protected", Boolean.toString(isProtected));
        claims.put("deployment_tier", deploymentTier);
        claims.put("environment_action", "start");
        return this;
    }

    /**
     * {@code runner_environment}: {@code gitlab-hosted} (default) or {@code self-hosted}.
     *
     * @param runnerEnvironment the claim's value
     * @return this builder
     */
    public GitLabTokenBuilder runnerEnvironment(String runnerEnvironment) {
        return claim("runner_environment", runnerEnvironment);
    }

    /**
     * {@code user_access_level}: {@code guest}, {@code reporter}, {@code developer}, {@code maintainer}, {@code owner}.
     *
     * @param level the triggering user's access level in the project
     * @return this builder
     */
    public GitLabTokenBuilder userAccessLevel(String level) {
        return claim("user_access_level", level);
    }

    /**
     * The path of the pipeline definition in the project running the job, default
     * {@code .gitlab-ci.yml}: {@code ci_config_ref_uri} is
     * {@code <host>/<project path>//<path>@<ref_path>}.
     *
     * @param path the pipeline definition's path inside the project
     * @return this builder
     */
    public GitLabTokenBuilder ciConfigPath(String path) {
        this.ciConfigPath = path;
        this.ciConfigOutsideProject = false;
        return this;
    }

    /**
     * A pipeline defined outside the project (another project's file, a remote URL): GitLab sends
     * {@code ci_config_ref_uri} and {@code ci_config_sha} as JSON {@code null}.
     *
     * @return this builder
     */
    public GitLabTokenBuilder ciConfigOutsideProject() {
        this.ciConfigOutsideProject = true;
        return this;
    }

    /**
     * Any claim, overriding the defaults and the derived claims ({@code sub},
     * {@code namespace_path}, {@code ci_config_ref_uri}, ...); {@code null} removes it.
     *
     * @param name the claim's name
     * @param value its JSON value (string, number, boolean, list or map); {@code null} removes the claim
     * @return this builder
     */
    @Override
    public GitLabTokenBuilder claim(String name, Object value) {
        explicitNulls.remove(name);
        claims.put(name, value);
        return this;
    }

    /**
     * Removes a claim, e.g. {@code jti} or {@code project_id}.
     *
     * @param name the claim to leave out of the token
     * @return this builder
     */
    public GitLabTokenBuilder without(String name) {
        return claim(name, null);
    }

    /**
     * A claim present with the JSON value {@code null}.
     *
     * @param name the claim to send as JSON {@code null}
     * @return this builder
     */
    public GitLabTokenBuilder nullClaim(String name) {
        claims.remove(name);
        explicitNulls.add(name);
        return this;
    }

    /**
     * The claims as the JSON text that is signed (JSON {@code null}s included).
     *
     * @return the JSON object text, exactly the bytes {@link #mint()} signs
     */
    @Override
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
        all.put("iat", iat().getEpochSecond());
        all.put("nbf", iat().minusSeconds(5).getEpochSecond());
        all.put("exp", exp().getEpochSecond());
        all.put("sub", "project_path:" + claimProjectPath + ":ref_type:" + refType + ":ref:" + ref);
        all.put("aud", null);
        all.putAll(claims);
        all.values().removeIf(v -> v == null);
        for (String name : nulls) {
            all.put(name, null);
        }
        return JsonUtil.toJson(all);
    }

    /**
     * Signed by the instance's OpenID Connect key, which the key set publishes but GitLab never
     * uses for CI ID tokens; the token names that key's {@code kid}, so it verifies. A verifier
     * cannot tell the two published keys apart; this variant exists to show that.
     *
     * @return the compact JWS
     */
    public String signedByInstanceOidcKey() {
        RsaJsonWebKey key = issuer.instanceOidcKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), key.getKeyId());
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
}
