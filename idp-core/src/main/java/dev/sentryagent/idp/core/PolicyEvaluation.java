package dev.sentryagent.idp.core;

import java.util.List;
import java.util.Objects;

/**
 * The trust policies' decision on one verified token: the admitting policy, or the denial the
 * exchange answers, with the trace of every candidate policy.
 *
 * @param admitted the policy that admits the token, or null when denied
 * @param error on denial the contract's {@code error} code ({@code access_denied}, or
 *     {@code invalid_target} when only a requested audience fails), else null
 * @param description on denial the exact {@code error_description} the exchange answers, else null
 * @param reason on an {@code access_denied} denial, which of the two kinds it is; else null
 * @param policies the trace of every candidate policy
 */
public record PolicyEvaluation(TrustPolicy admitted, String error, String description, DenialReason reason,
                               List<PolicyTrace> policies) {
    /** The {@code error} of a requested audience no admitting policy lists. */
    public static final String INVALID_TARGET = "invalid_target";

    public PolicyEvaluation {
        policies = List.copyOf(policies);
        if ((admitted == null) == (description == null)) {
            throw new IllegalArgumentException("exactly one of admitted and description must be set");
        }
    }

    static PolicyEvaluation allow(TrustPolicy policy, List<PolicyTrace> policies) {
        return new PolicyEvaluation(Objects.requireNonNull(policy, "policy"), null, null, null, policies);
    }

    static PolicyEvaluation deny(AccessDeniedException denial, List<PolicyTrace> policies) {
        return new PolicyEvaluation(null, ErrorCode.ACCESS_DENIED.wireName(), denial.getMessage(), denial.reason(),
                policies);
    }

    /** True when a policy admits the token. */
    public boolean allowed() {
        return admitted != null;
    }

    /**
     * The admitting policy.
     *
     * @throws AccessDeniedException the denial, when no policy admits the token
     * @throws InvalidRequestException when only the requested audience fails
     */
    public TrustPolicy orThrow() {
        if (admitted != null) {
            return admitted;
        }
        if (reason == null) {
            throw new InvalidRequestException(description);
        }
        throw new AccessDeniedException(reason, description.substring(reason.prefix().length() + 2));
    }
}
