package dev.sentryagent.idp.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the token exchange would answer for a request now, and why: the answer of the contract's
 * {@code POST /api/v1/oidc/trust-policies/evaluate}. Computing it spends no {@code jti}, pins no
 * ids and issues nothing.
 *
 * @param allowed true when the exchange would issue a token
 * @param error on denial the {@code error} the exchange would answer, else null
 * @param errorDescription on denial its exact {@code error_description}, else null
 * @param verification how the token's own checks went
 * @param claims the token's claims the policies read, by the provider's names (empty when the
 *     token does not verify)
 * @param policies the trace of every candidate policy (empty when the token does not verify)
 */
public record Explanation(boolean allowed, String error, String errorDescription, Verification verification,
                          Map<String, String> claims, List<PolicyTrace> policies) {
    public Explanation {
        Objects.requireNonNull(verification, "verification");
        claims = Map.copyOf(claims);
        policies = List.copyOf(policies);
        if (allowed != (error == null)) {
            throw new IllegalArgumentException("error must be set exactly when denied");
        }
    }

    /**
     * The token's own checks.
     *
     * @param ok true when it verifies, is valid now and was never exchanged
     * @param errorDescription why not, or null
     * @param alreadyExchanged true when its {@code jti} was spent by an exchange
     */
    public record Verification(boolean ok, String errorDescription, boolean alreadyExchanged) {
    }
}
