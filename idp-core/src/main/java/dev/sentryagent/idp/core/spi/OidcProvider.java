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

    /** The name requests use to select this provider, e.g. {@code github}. */
    String name();

    /** The exact {@code iss} this provider accepts. */
    String issuer();

    /**
     * Verifies {@code token} completely (signature, algorithm, headers, issuer, audience, times and
     * the claims the exchange needs) and returns the identity it states, its claims mapped onto the provider-neutral
     * {@link WorkloadIdentity}. Does not check replay.
     *
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
     * @throws dev.sentryagent.idp.core.InvalidTokenException naming any other failed check
     * @throws dev.sentryagent.idp.core.UnavailableException when the key set cannot be had
     */
    TokenInspection inspect(String token);

    /** The leeway applied to {@code exp}, {@code nbf} and {@code iat}: zero to {@link #MAX_CLOCK_SKEW}. */
    Duration clockSkew();
}
