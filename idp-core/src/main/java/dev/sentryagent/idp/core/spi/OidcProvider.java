package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.TokenInspection;
import dev.sentryagent.idp.core.WorkloadIdentity;
import java.time.Duration;

/**
 * A trusted issuer family of CI OIDC tokens. Implementations must be thread-safe.
 */
public interface OidcProvider {
    /** The largest {@link #clockSkew()} a provider may apply; the exchanger refuses a provider with more. */
    Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    /** {@return the name requests use to select this provider, e.g. {@code github}} */
    String name();

    /**
     * The provider's type, which decides how policies for it are validated: {@code github} (an
     * {@code owner/name} repository, GitHub's runner environments, {@code jobWorkflows}),
     * {@code gitlab} (a full project path with subgroups, GitLab's runner environments, no
     * {@code jobWorkflows}); any other type gets the rules common to both. Several providers may
     * share a type (github.com next to a GitHub Enterprise Server).
     *
     * @return the type; {@code custom} unless overridden
     */
    default String type() {
        return "custom";
    }

    /** {@return the exact {@code iss} this provider accepts} */
    String issuer();

    /**
     * Verifies {@code token} completely (signature, algorithm, headers, issuer, audience, times and
     * the claims the exchange needs) and returns the identity it states, its claims mapped onto the provider-neutral
     * {@link WorkloadIdentity}. Does not check replay.
     *
     * @param token the compact JWT as the CI job submitted it
     * @return the verified identity
     * @throws dev.sentryagent.idp.core.InvalidTokenException naming the failed check
     * @throws dev.sentryagent.idp.core.UnavailableException when the key set cannot be had
     */
    default WorkloadIdentity verify(String token) {
        return inspect(token).orThrow();
    }

    /**
     * Verifies {@code token} like {@link #verify(String)}, except that a failure of {@code exp},
     * {@code nbf} or {@code iat} is returned with the identity instead of thrown: the token's
     * signature, issuer, audience and claims are checked all the same. For explanations only.
     *
     * @param token the compact JWT as the CI job submitted it
     * @return the identity, with the failed time check if there was one
     * @throws dev.sentryagent.idp.core.InvalidTokenException naming any other failed check
     * @throws dev.sentryagent.idp.core.UnavailableException when the key set cannot be had
     */
    TokenInspection inspect(String token);

    /** {@return the leeway applied to {@code exp}, {@code nbf} and {@code iat}: zero to {@link #MAX_CLOCK_SKEW}} */
    Duration clockSkew();
}
