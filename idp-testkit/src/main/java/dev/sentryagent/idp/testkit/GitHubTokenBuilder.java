package dev.sentryagent.idp.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * Mints one token with GitHub Actions' claim set. Defaults: repository {@code octo-org/octo-repo}
 * (ids 100 and 200), branch {@code main}, event {@code push}, a fresh {@code jti}, valid for five
 * minutes. Every claim can be overridden or removed; the {@code forge...} methods (here and in
 * {@link AbstractTokenBuilder}) make the attacks a verifier must refuse.
 */
public final class GitHubTokenBuilder extends AbstractTokenBuilder<GitHubTokenBuilder> {
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private String repository = "octo-org/octo-repo";
    private String ref = "refs/heads/main";
    private String refType = "branch";
    private String eventName = "push";
    private String workflowPath = ".github/workflows/ci.yml";
    private String jobWorkflowRef;

    GitHubTokenBuilder(FakeOidcIssuer issuer, Clock clock) {
        // GitHub's tokens live five minutes; expired() makes one that expired ten minutes ago.
        super(issuer, clock, Duration.ofMinutes(5), Duration.ofMinutes(10));
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

    @Override
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

    @Override
    public String payload() {
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
        all.put("iat", iat().getEpochSecond());
        all.put("nbf", iat().getEpochSecond());
        all.put("exp", exp().getEpochSecond());
        all.putAll(claims);
        all.values().removeIf(v -> v == null);
        return JsonUtil.toJson(all);
    }

    private String subject() {
        Object sub = claims.get("sub");
        if (sub != null) {
            return sub.toString();
        }
        return "repo:" + repository + ":ref:" + ref;
    }

    /**
     * Signed by the issuer's real key over claims that are not valid UTF-8: byte 0xFF inside the
     * {@code workflow} string, which a lenient decoder reads as U+FFFD.
     *
     * @return the compact JWS
     * @throws IllegalStateException if a {@code workflow} claim other than the default {@code "CI"} was set
     */
    public String forgeInvalidUtf8Claims() {
        byte[] json = payload().getBytes(StandardCharsets.UTF_8);
        byte[] marker = "\"CI\"".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(json, marker);
        if (at < 0) {
            throw new IllegalStateException("the workflow claim is missing");
        }
        byte[] bad = new byte[json.length + 1];
        System.arraycopy(json, 0, bad, 0, at + 3);
        bad[at + 3] = (byte) 0xFF;
        System.arraycopy(json, at + 3, bad, at + 4, json.length - at - 3);
        RsaJsonWebKey key = currentKey();
        return sign(bad, AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(), key.getKeyId());
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
}
