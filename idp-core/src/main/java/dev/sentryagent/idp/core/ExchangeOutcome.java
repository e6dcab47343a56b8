package dev.sentryagent.idp.core;

import java.util.Objects;
import java.util.Optional;

/**
 * How one exchange ended: exactly one of {@code result} and {@code failure} is set.
 *
 * @param request what was asked (its token is the submitted OIDC token: never log it)
 * @param identity the verified CI identity, or null when verification failed
 * @param result the issued token, when allowed
 * @param failure why it was refused, when denied
 */
public record ExchangeOutcome(ExchangeRequest request, WorkloadIdentity identity, ExchangeResult result,
                              IdpException failure) {
    /**
     * Checks that the outcome is one thing: allowed with a result, or denied with a failure.
     *
     * @param request what was asked
     * @param identity the verified CI identity, or null when verification failed
     * @param result the issued token, when allowed
     * @param failure why it was refused, when denied
     * @throws IllegalArgumentException when both or neither of {@code result} and {@code failure} are set
     */
    public ExchangeOutcome {
        Objects.requireNonNull(request, "request");
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of result and failure must be set");
        }
    }

    /** {@return true when a token was issued ({@code result} is set)} */
    public boolean allowed() {
        return result != null;
    }

    /**
     * {@return the verified CI identity; empty when the token failed verification, so a denial
     * without one never names an unverified repository}
     */
    public Optional<WorkloadIdentity> verifiedIdentity() {
        return Optional.ofNullable(identity);
    }
}
