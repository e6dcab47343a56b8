package dev.sentryagent.idp.core;

import java.util.Objects;

/**
 * One condition of one trust policy, checked against one token.
 *
 * @param condition the contract's name of the condition: {@code provider}, {@code repository},
 *     {@code agent}, {@code repositoryId}, {@code repositoryOwnerId}, {@code ref}, {@code event},
 *     {@code environment}, {@code workflow}, {@code jobWorkflow}, {@code refProtected},
 *     {@code runnerEnvironment} or {@code audience}
 * @param ok whether it holds
 * @param expected what the policy expects, in words an operator reads
 * @param actual the token's value, or null when the token has none
 */
public record PolicyCheck(String condition, boolean ok, String expected, String actual) {
    public PolicyCheck {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(expected, "expected");
    }
}
