package dev.sentryagent.idp.core;

import java.util.Objects;
import java.util.Set;

/**
 * A provider's verdict on an OIDC token whose signature, issuer, audience and claims verify: the
 * identity it states, and the failure of its time checks if any ({@code exp}, {@code nbf},
 * {@code iat}). An explanation evaluates such a token against the policies anyway, so an operator
 * can paste a token from a failed run's log; the exchange refuses it.
 *
 * @param identity the identity the token states
 * @param timeFailure why the token is not valid now, or null when it is
 */
public record TokenInspection(WorkloadIdentity identity, InvalidTokenException timeFailure) {
    private static final Set<TokenFailure> TIME_FAILURES = Set.of(TokenFailure.EXPIRED, TokenFailure.NOT_YET_VALID,
            TokenFailure.ISSUED_IN_FUTURE);

    public TokenInspection {
        Objects.requireNonNull(identity, "identity");
        if (timeFailure != null && !TIME_FAILURES.contains(timeFailure.failure())) {
            throw new IllegalArgumentException("timeFailure must be a failure of exp, nbf or iat");
        }
    }

    /**
     * The identity, when the token is valid now.
     *
     * @throws InvalidTokenException the time failure
     */
    public WorkloadIdentity orThrow() {
        if (timeFailure != null) {
            throw timeFailure;
        }
        return identity;
    }
}
