package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The verified identity of one CI job, as its OIDC token states it. Field names follow GitHub's
 * claim set; optional claims are {@code null} when the token lacks them.
 *
 * @param provider the name of the provider that verified the token, e.g. {@code github}
 * @param issuer {@code iss}
 * @param subject {@code sub}
 * @param repository {@code repository}, {@code owner/name}
 * @param repositoryId {@code repository_id}
 * @param repositoryOwner {@code repository_owner}
 * @param repositoryOwnerId {@code repository_owner_id}
 * @param ref {@code ref}, e.g. {@code refs/heads/main}
 * @param refType {@code ref_type}: {@code branch} or {@code tag} (may be null)
 * @param environment {@code environment} (may be null)
 * @param workflowRef {@code workflow_ref} (may be null)
 * @param jobWorkflowRef {@code job_workflow_ref} (may be null)
 * @param eventName {@code event_name}
 * @param sha {@code sha} (may be null)
 * @param runId {@code run_id} (may be null)
 * @param runAttempt {@code run_attempt} (may be null)
 * @param actor {@code actor} (may be null)
 * @param jti {@code jti}
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 */
public record CiIdentity(
        String provider,
        String issuer,
        String subject,
        String repository,
        long repositoryId,
        String repositoryOwner,
        long repositoryOwnerId,
        String ref,
        String refType,
        String environment,
        String workflowRef,
        String jobWorkflowRef,
        String eventName,
        String sha,
        String runId,
        String runAttempt,
        String actor,
        String jti,
        Instant issuedAt,
        Instant expiresAt) {

    private static final String BRANCH_PREFIX = "refs/heads/";

    public CiIdentity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(repositoryOwner, "repositoryOwner");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * The branch this job runs on, when its ref is a branch ({@code refs/heads/...}); empty for a
     * tag, a pull-request merge ref or anything else.
     */
    public Optional<String> branch() {
        if (ref.startsWith(BRANCH_PREFIX) && !"tag".equals(refType)) {
            return Optional.of(ref.substring(BRANCH_PREFIX.length()));
        }
        return Optional.empty();
    }
}
