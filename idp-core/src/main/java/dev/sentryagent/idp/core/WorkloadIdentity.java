package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The verified identity of one CI job, in terms every provider maps its claims onto, so that one
 * trust policy means the same for GitHub and GitLab. Optional values are {@code null} when the
 * token lacks them.
 *
 * @param provider the name of the provider that verified the token, e.g. {@code github}
 * @param issuer {@code iss}
 * @param subject {@code sub}
 * @param repository the repository's path: GitHub {@code repository} ({@code owner/name}), GitLab
 *     {@code project_path}
 * @param repositoryId the repository's numeric id: GitHub {@code repository_id}, GitLab {@code project_id}
 * @param repositoryOwnerId the owner's numeric id: GitHub {@code repository_owner_id}, GitLab
 *     {@code namespace_id}
 * @param ref the full ref, e.g. {@code refs/heads/main}: GitHub {@code ref}, GitLab {@code ref_path}
 * @param refType {@code branch} or {@code tag} (may be null)
 * @param environment the deployment environment (may be null)
 * @param workflow the path of the caller's workflow or pipeline file in its repository, e.g.
 *     {@code .github/workflows/deploy.yml}: from GitHub {@code workflow_ref}, GitLab
 *     {@code ci_config_ref_uri} (may be null)
 * @param jobWorkflowRef the reusable workflow the job runs, {@code owner/repo/path@ref}: GitHub
 *     {@code job_workflow_ref} (may be null)
 * @param event what triggered the run: GitHub {@code event_name}, GitLab {@code pipeline_source}
 * @param refProtected whether the ref is protected: {@code ref_protected} (may be null)
 * @param runnerEnvironment {@code runner_environment}, e.g. {@code github-hosted} (may be null)
 * @param jti {@code jti}
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param claims the token's claims that conditions read, by the provider's own names, for
 *     explanations shown to operators (never the token itself)
 * @param forkMergeRequest true for a merge-request pipeline whose source project is not the project
 *     running the job (GitLab: {@code project_id} differs from {@code job_project_id}): a fork's
 *     code. Admitted only by a policy that lists {@code merge_request_event} in its events
 */
public record WorkloadIdentity(
        String provider,
        String issuer,
        String subject,
        String repository,
        long repositoryId,
        long repositoryOwnerId,
        String ref,
        String refType,
        String environment,
        String workflow,
        String jobWorkflowRef,
        String event,
        Boolean refProtected,
        String runnerEnvironment,
        String jti,
        Instant issuedAt,
        Instant expiresAt,
        Map<String, String> claims,
        boolean forkMergeRequest) {

    private static final String BRANCH_PREFIX = "refs/heads/";

    /**
     * Checks the fields every provider sets and copies {@code claims} (null becomes empty).
     *
     * @param provider the name of the provider that verified the token, e.g. {@code github}
     * @param issuer {@code iss}
     * @param subject {@code sub}
     * @param repository the repository's path: GitHub {@code repository} ({@code owner/name}), GitLab
     *     {@code project_path}
     * @param repositoryId the repository's numeric id: GitHub {@code repository_id}, GitLab {@code project_id}
     * @param repositoryOwnerId the owner's numeric id: GitHub {@code repository_owner_id}, GitLab
     *     {@code namespace_id}
     * @param ref the full ref, e.g. {@code refs/heads/main}: GitHub {@code ref}, GitLab {@code ref_path}
     * @param refType {@code branch} or {@code tag} (may be null)
     * @param environment the deployment environment (may be null)
     * @param workflow the path of the caller's workflow or pipeline file in its repository, e.g.
     *     {@code .github/workflows/deploy.yml}: from GitHub {@code workflow_ref}, GitLab
     *     {@code ci_config_ref_uri} (may be null)
     * @param jobWorkflowRef the reusable workflow the job runs, {@code owner/repo/path@ref}: GitHub
     *     {@code job_workflow_ref} (may be null)
     * @param event what triggered the run: GitHub {@code event_name}, GitLab {@code pipeline_source}
     * @param refProtected whether the ref is protected: {@code ref_protected} (may be null)
     * @param runnerEnvironment {@code runner_environment}, e.g. {@code github-hosted} (may be null)
     * @param jti {@code jti}
     * @param issuedAt {@code iat}
     * @param expiresAt {@code exp}
     * @param claims the token's claims that conditions read, by the provider's own names, for
     *     explanations shown to operators (never the token itself)
     * @param forkMergeRequest true for a merge-request pipeline running a fork's code
     * @throws NullPointerException if {@code provider}, {@code issuer}, {@code subject}, {@code repository},
     *     {@code ref}, {@code event}, {@code jti}, {@code issuedAt} or {@code expiresAt} is null
     */
    public WorkloadIdentity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        claims = claims == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }

    /**
     * An identity that is not a fork's merge request (every GitHub token: GitHub has its own event for that).
     *
     * @param provider the name of the provider that verified the token
     * @param issuer {@code iss}
     * @param subject {@code sub}
     * @param repository the repository's path
     * @param repositoryId the repository's numeric id
     * @param repositoryOwnerId the owner's numeric id
     * @param ref the full ref
     * @param refType {@code branch} or {@code tag} (may be null)
     * @param environment the deployment environment (may be null)
     * @param workflow the path of the workflow or pipeline file (may be null)
     * @param jobWorkflowRef the reusable workflow the job runs (may be null)
     * @param event what triggered the run
     * @param refProtected whether the ref is protected (may be null)
     * @param runnerEnvironment {@code runner_environment} (may be null)
     * @param jti {@code jti}
     * @param issuedAt {@code iat}
     * @param expiresAt {@code exp}
     * @param claims the claims conditions read, for explanations
     * @throws NullPointerException as the canonical constructor
     */
    public WorkloadIdentity(String provider, String issuer, String subject, String repository, long repositoryId,
                            long repositoryOwnerId, String ref, String refType, String environment, String workflow,
                            String jobWorkflowRef, String event, Boolean refProtected, String runnerEnvironment,
                            String jti, Instant issuedAt, Instant expiresAt, Map<String, String> claims) {
        this(provider, issuer, subject, repository, repositoryId, repositoryOwnerId, ref, refType, environment,
                workflow, jobWorkflowRef, event, refProtected, runnerEnvironment, jti, issuedAt, expiresAt, claims,
                false);
    }

    /**
     * {@return the branch this job runs on, when its ref is a branch ({@code refs/heads/...}); empty for a
     * tag, a pull-request merge ref or anything else}
     */
    public Optional<String> branch() {
        if (ref.startsWith(BRANCH_PREFIX) && !"tag".equals(refType)) {
            return Optional.of(ref.substring(BRANCH_PREFIX.length()));
        }
        return Optional.empty();
    }

    /**
     * {@return the repository's ids, as pinning compares them}
     *
     * @throws InvalidRequestException if an id is not positive
     */
    public RepositoryIds repositoryIds() {
        return new RepositoryIds(repositoryId, repositoryOwnerId);
    }
}
