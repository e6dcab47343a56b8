package dev.sentryagent.idp.core;

import static dev.sentryagent.idp.core.internal.OidcTokenChecks.number;
import static dev.sentryagent.idp.core.internal.OidcTokenChecks.optional;
import static dev.sentryagent.idp.core.internal.OidcTokenChecks.required;

import dev.sentryagent.idp.core.internal.ClaimPaths;
import dev.sentryagent.idp.core.internal.OidcTokenChecks;
import java.time.Instant;
import java.util.List;
import org.jose4j.jwt.JwtClaims;

/**
 * Verifies GitHub Actions OIDC tokens: from github.com, an enterprise's own issuer
 * ({@code https://token.actions.githubusercontent.com/<enterprise>}) or GitHub Enterprise Server
 * ({@code https://HOST/_services/token}).
 *
 * <p>RS256 only; {@code kid} required; {@code jku}, {@code x5u}, {@code jwk} and {@code crit}
 * headers refused, never followed; {@code iss} and the single {@code aud} compared exactly;
 * {@code exp}, {@code nbf} and {@code iat} within the clock skew, and between 0 and the year 9999;
 * a {@code jti} of at most 256 characters; strictly the canonical base64url of UTF-8 JSON in
 * every part. Keys come from the issuer's JWKS, discovered from its OpenID configuration unless
 * given, refreshed in the background: a stalled key endpoint never holds up a token whose key is
 * cached. Thread-safe.
 */
public final class GitHubProvider extends BuiltInProvider {
    /** github.com's issuer. */
    public static final String GITHUB_COM_ISSUER = "https://token.actions.githubusercontent.com";
    /** This provider's {@link #type()}. */
    public static final String TYPE = "github";
    /** The claims an explanation shows: those the trust policies read, and a few that identify the run. */
    private static final List<String> SHOWN_CLAIMS = List.of("sub", "repository", "repository_id",
            "repository_owner", "repository_owner_id", "ref", "ref_type", "ref_protected", "event_name",
            "environment", "workflow_ref", "job_workflow_ref", "runner_environment", "actor", "sha", "run_id",
            "run_attempt", "jti");

    private GitHubProvider(Builder b) {
        super(b);
    }

    /** {@return a builder: name {@code github} and issuer github.com's unless told} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@value #TYPE}. */
    @Override
    public String type() {
        return TYPE;
    }

    /** GitHub's claims mapped onto the provider-neutral identity the trust policies read. */
    @Override
    WorkloadIdentity identity(JwtClaims claims, Instant iat, Instant exp) {
        String repository = required(claims, "repository");
        return new WorkloadIdentity(
                name,
                issuer,
                required(claims, "sub"),
                repository,
                number(claims, "repository_id"),
                number(claims, "repository_owner_id"),
                required(claims, "ref"),
                optional(claims, "ref_type"),
                optional(claims, "environment"),
                workflowPath(repository, optional(claims, "workflow_ref"), required(claims, "ref")),
                optional(claims, "job_workflow_ref"),
                required(claims, "event_name"),
                OidcTokenChecks.flag(claims, "ref_protected"),
                optional(claims, "runner_environment"),
                OidcTokenChecks.jti(claims),
                iat,
                exp,
                OidcTokenChecks.shown(claims, SHOWN_CLAIMS));
    }

    /**
     * The caller workflow's path from {@code workflow_ref} ({@code owner/repo/PATH@ref}, ending
     * with the run's {@code ref}); null when the claim is absent, names another repository or is
     * ambiguous ({@link ClaimPaths#beforeRefOrOnlyAt}).
     */
    static String workflowPath(String repository, String workflowRef, String ref) {
        return ClaimPaths.beforeRefOrOnlyAt(workflowRef, repository + "/", ref);
    }

    /**
     * Settings of a {@link GitHubProvider}: name (default {@code github}), issuer (default
     * github.com's), the required audience, and the key-set settings of {@link OidcProviderBuilder}.
     * {@link #build()} refuses unsafe values with a message naming the setting.
     */
    public static final class Builder extends OidcProviderBuilder<Builder> {
        private Builder() {
            super(TYPE, GITHUB_COM_ISSUER);
        }

        /**
         * Checks every setting and builds the provider.
         *
         * @return an immutable, thread-safe provider
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public GitHubProvider build() {
            validate();
            return new GitHubProvider(this);
        }
    }
}
