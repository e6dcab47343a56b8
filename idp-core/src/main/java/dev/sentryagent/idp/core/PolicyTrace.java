package dev.sentryagent.idp.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How one candidate policy fared against one token: every condition checked, in the contract's
 * order, whether or not an earlier one failed.
 *
 * @param policyId the policy
 * @param admits true when every check holds
 * @param checks the checks, in order
 */
public record PolicyTrace(UUID policyId, boolean admits, List<PolicyCheck> checks) {
    /**
     * Copies {@code checks}.
     *
     * @param policyId the policy
     * @param admits true when every check holds
     * @param checks the checks, in order
     * @throws NullPointerException if {@code policyId} or {@code checks} is null
     */
    public PolicyTrace {
        Objects.requireNonNull(policyId, "policyId");
        checks = List.copyOf(checks);
    }

    /** {@return the first check that fails, or empty when the policy admits the token} */
    public Optional<PolicyCheck> firstFailure() {
        return checks.stream().filter(c -> !c.ok()).findFirst();
    }

    /** {@return how many checks hold before the first that fails; all of them when none fails} */
    public int reach() {
        int n = 0;
        while (n < checks.size() && checks.get(n).ok()) {
            n++;
        }
        return n;
    }

    /**
     * {@return the check of {@code condition}, or empty when this trace has none}
     *
     * @param condition the contract's name of the condition, as {@link PolicyCheck#condition()}
     */
    public Optional<PolicyCheck> check(String condition) {
        return checks.stream().filter(c -> c.condition().equals(condition)).findFirst();
    }
}
