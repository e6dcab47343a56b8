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
    public PolicyTrace {
        Objects.requireNonNull(policyId, "policyId");
        checks = List.copyOf(checks);
    }

    /** The first check that fails, if any. */
    public Optional<PolicyCheck> firstFailure() {
        return checks.stream().filter(c -> !c.ok()).findFirst();
    }

    /** How many checks hold before the first that fails. */
    public int reach() {
        int n = 0;
        while (n < checks.size() && checks.get(n).ok()) {
            n++;
        }
        return n;
    }

    /** The check of {@code condition}, if this trace has one. */
    public Optional<PolicyCheck> check(String condition) {
        return checks.stream().filter(c -> c.condition().equals(condition)).findFirst();
    }
}
