package dev.sentryagent.idp.core;

import static dev.sentryagent.idp.core.internal.OidcTokenChecks.number;
import static dev.sentryagent.idp.core.internal.OidcTokenChecks.optional;
import static dev.sentryagent.idp.core.internal.OidcTokenChecks.required;

import dev.sentryagent.idp.core.internal.ClaimPaths;
import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.internal.OidcTokenChecks;
import java.time.Instant;
import java.util.List;
import org.jose4j.jwt.JwtClaims;

/**
 * Verifies GitLab CI ID tokens (the {@code id_tokens:} keyword) of one GitLab instance:
 * gitlab.com or a self-managed one, whose issuer is its URL.
 *
 * <p>The same checks as {@link GitHubProvider} (RS256 only, {@code kid} required, {@code jku},
 * {@code x5u}, {@code jwk}, {@code crit} refused, {@code iss} and the single {@code aud} exactly,
 * the time checks, the strict compact form), with keys discovered from the instance's OpenID
 * configuration (GitLab serves them at {@code /oauth/discovery/keys}) and refreshed in the
 * background. Required claims: {@code sub}, {@code project_path}, {@code project_id},
 * {@code namespace_id}, {@code ref}, {@code ref_type}, {@code ref_path}, {@code pipeline_source},
 * {@code jti}. Mapped onto the {@link WorkloadIdentity}: repository {@code project_path}, ids
 * {@code project_id} and {@code namespace_id}, ref {@code ref_path}, event
 * {@code pipeline_source}, workflow the path in {@code ci_config_ref_uri} when the pipeline is
 * defined in the project itself, and a fork's merge request recognised by a {@code project_id}
 * other than {@code job_project_id}. Thread-safe.
 */
public final class GitLabProvider extends BuiltInProvider {
    /** gitlab.com's issuer. */
    public static final String GITLAB_COM_ISSUER = "https://gitlab.com";
    /** This provider's {@link #type()}. */
    public static final String TYPE = "gitlab";
    /** The claims an explanation shows: those the trust policies read, and a few that identify the job. */
    private static final List<String> SHOWN_CLAIMS = List.of("sub", "project_path", "project_id",
            "namespace_path", "namespace_id", "job_project_path", "job_project_id", "ref", "ref_type", "ref_path",
            "ref_protected", "pipeline_source", "environment", "ci_config_ref_uri", "runner_environment",
            "user_login", "sha", "pipeline_id", "job_id", "jti");

    /** {@code ci_config_ref_uri} starts with the instance's host (and path), without the scheme. */
    private final String configHost;

    private GitLabProvider(Builder b) {
        super(b);
        this.configHost = issuer.substring(issuer.indexOf("://") + 3);
    }

    /** {@return a builder: name {@code gitlab} and issuer gitlab.com's unless told} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@value #TYPE}. */
    @Override
    public String type() {
        return TYPE;
    }

    /** GitLab's claims mapped onto the provider-neutral identity the trust policies read. */
    @Override
    WorkloadIdentity identity(JwtClaims claims, Instant iat, Instant exp) {
        String subject = required(claims, "sub");
        String project = required(claims, "project_path");
        long projectId = number(claims, "project_id");
        long namespaceId = number(claims, "namespace_id");
        String refPath = refPath(required(claims, "ref"), required(claims, "ref_type"), required(claims, "ref_path"));
        String jobProjectId = optional(claims, "job_project_id");
        return new WorkloadIdentity(
                name,
                issuer,
                subject,
                project,
                projectId,
                namespaceId,
                refPath,
                optional(claims, "ref_type"),
                optional(claims, "environment"),
                configPath(project, refPath, optional(claims, "ci_config_ref_uri")),
                null,
                required(claims, "pipeline_source"),
                OidcTokenChecks.flag(claims, "ref_protected"),
                optional(claims, "runner_environment"),
                OidcTokenChecks.jti(claims),
                iat,
                exp,
                OidcTokenChecks.shown(claims, SHOWN_CLAIMS),
                // GitLab says "fork" nowhere: a job of one project running another project's code is one.
                jobProjectId != null && !jobProjectId.equals(Long.toString(projectId)));
    }

    /**
     * {@code ref_path}, checked against {@code ref} (GitLab's short name) for branches and tags, so
     * that {@code branch: main} and {@code refs/heads/main} can never disagree.
     */
    private static String refPath(String ref, String refType, String refPath) {
        String expected = switch (refType) {
            case "branch" -> "refs/heads/" + ref;
            case "tag" -> "refs/tags/" + ref;
            default -> refPath;
        };
        if (!refPath.equals(expected)) {
            throw new InvalidTokenException(TokenFailure.INVALID_CLAIM, "The OIDC token's \"ref_path\" claim "
                    + Names.quote(refPath) + " does not name its " + refType + " " + Names.quote(ref));
        }
        return refPath;
    }

    /**
     * The pipeline file's path from {@code ci_config_ref_uri} ({@code host/project//PATH@ref}); null
     * when the claim is absent or the pipeline is defined in another project.
     */
    String configPath(String project, String refPath, String configRefUri) {
        // A ref may hold an '@' too: cut at the pipeline's own ref where it is the one named.
        return ClaimPaths.beforeRef(configRefUri, configHost + "/" + project + "//", refPath);
    }

    /**
     * Settings of a {@link GitLabProvider}: name (default {@code gitlab}), issuer (default
     * {@value #GITLAB_COM_ISSUER}; a self-managed instance's URL as its tokens carry it), the
     * required audience, and the key-set settings of {@link OidcProviderBuilder}. {@link #build()}
     * refuses unsafe values with a message naming the setting.
     */
    public static final class Builder extends OidcProviderBuilder<Builder> {
        private Builder() {
            super(TYPE, GITLAB_COM_ISSUER);
        }

        /**
         * Checks every setting and builds the provider.
         *
         * @return an immutable, thread-safe provider
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public GitLabProvider build() {
            validate();
            return new GitLabProvider(this);
        }
    }
}
