package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table of steps 3 and 4 of the exchange. */
class TrustPoliciesTest {
    static final UUID AGENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final UUID OTHER_AGENT = UUID.fromString("00000000-0000-4000-8000-000000000002");

    static CiIdentity identity(String repository, String ref, String refType, String event, long repoId, long ownerId) {
        Instant now = Instant.now();
        return new CiIdentity("github", "https://token.actions.githubusercontent.com", "repo:" + repository + ":ref:" + ref,
                repository, repoId, repository.substring(0, repository.indexOf('/')), ownerId, ref, refType, null, null,
                null, event, null, null, null, null, "jti", now, now.plusSeconds(300));
    }

    static CiIdentity push(String repository, String branch) {
        return identity(repository, "refs/heads/" + branch, "branch", "push", 100, 200);
    }

    static TrustPolicy policy(String repository, String branch, UUID agent) {
        return TrustPolicy.create("github", repository, branch, agent);
    }

    static TrustPolicy pinned(String repository, long repoId, long ownerId) {
        return TrustPolicy.create("github", repository, null, null, repoId, ownerId);
    }

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("repository compares case-insensitively", push("OCTO-ORG/Octo-Repo", "main"), null,
                        List.of(policy("octo-org/octo-repo", "main", null)), null),
                Arguments.of("policy without branch admits any branch", push("octo-org/octo-repo", "feature/x"), null,
                        List.of(policy("octo-org/octo-repo", null, null)), null),
                Arguments.of("policy without branch admits a tag",
                        identity("octo-org/octo-repo", "refs/tags/v1", "tag", "push", 100, 200), null,
                        List.of(policy("octo-org/octo-repo", null, null)), null),
                Arguments.of("agent policy admits its agent", push("octo-org/octo-repo", "main"), AGENT,
                        List.of(policy("octo-org/octo-repo", "main", AGENT)), null),
                Arguments.of("pinned ids that match admit", push("octo-org/octo-repo", "main"), null,
                        List.of(pinned("octo-org/octo-repo", 100, 200)), null),
                Arguments.of("branch differs", push("octo-org/octo-repo", "dev"), null,
                        List.of(policy("octo-org/octo-repo", "main", null), policy("octo-org/octo-repo", "release", null)),
                        "Branch not permitted: branch dev is not permitted; the trust policies for repository "
                                + "octo-org/octo-repo permit branches main, release"),
                Arguments.of("branch compares case-sensitively", push("octo-org/octo-repo", "Main"), null,
                        List.of(policy("octo-org/octo-repo", "main", null)),
                        "Branch not permitted: branch Main is not permitted"),
                Arguments.of("tag is not a branch", identity("octo-org/octo-repo", "refs/tags/v1", "tag", "push", 100, 200),
                        null, List.of(policy("octo-org/octo-repo", "main", null)),
                        "Branch not permitted: ref refs/tags/v1 is not a branch; the trust policies for repository "
                                + "octo-org/octo-repo permit branches main"),
                Arguments.of("pull-request merge ref is not a branch",
                        identity("octo-org/octo-repo", "refs/pull/7/merge", null, "pull_request", 100, 200), AGENT,
                        List.of(policy("octo-org/octo-repo", "main", AGENT)),
                        "Branch not permitted: ref refs/pull/7/merge is not a branch; the trust policies for repository "
                                + "octo-org/octo-repo and agent " + AGENT + " permit branches main"),
                Arguments.of("no policy for the repository", push("octo-org/other", "main"), null, List.of(),
                        "Trust policy violation: no bootstrap trust policy (one without agentId) for provider github "
                                + "and repository octo-org/other"),
                Arguments.of("policy of another repository", push("octo-org/other", "main"), null,
                        List.of(policy("octo-org/octo-repo", null, null)),
                        "Trust policy violation: no bootstrap trust policy"),
                Arguments.of("policy for another agent", push("octo-org/octo-repo", "main"), AGENT,
                        List.of(policy("octo-org/octo-repo", "main", OTHER_AGENT)),
                        "Trust policy violation: no trust policy for provider github, repository octo-org/octo-repo "
                                + "and agent " + AGENT),
                Arguments.of("bootstrap needs an agent-less policy", push("octo-org/octo-repo", "main"), null,
                        List.of(policy("octo-org/octo-repo", "main", AGENT)),
                        "Trust policy violation: no bootstrap trust policy"),
                Arguments.of("agent mode does not use a bootstrap policy", push("octo-org/octo-repo", "main"), AGENT,
                        List.of(policy("octo-org/octo-repo", "main", null)),
                        "Trust policy violation: no trust policy for provider github"),
                Arguments.of("pull_request_target is refused",
                        identity("octo-org/octo-repo", "refs/heads/main", "branch", "pull_request_target", 100, 200), null,
                        List.of(policy("octo-org/octo-repo", null, null)),
                        "Trust policy violation: runs triggered by pull_request_target are refused (repository "
                                + "octo-org/octo-repo): they run with the base repository's identity on behalf of a fork's code"),
                Arguments.of("pinned repository id differs",
                        identity("octo-org/octo-repo", "refs/heads/main", "branch", "push", 999, 200), null,
                        List.of(pinned("octo-org/octo-repo", 100, 200)),
                        "Trust policy violation: repository octo-org/octo-repo has repository_id 999 and "
                                + "repository_owner_id 200, but trust policy "),
                Arguments.of("pinned owner id differs",
                        identity("octo-org/octo-repo", "refs/heads/main", "branch", "push", 100, 999), null,
                        List.of(pinned("octo-org/octo-repo", 100, 200)),
                        "Trust policy violation: repository octo-org/octo-repo has repository_id 100 and "
                                + "repository_owner_id 999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void evaluate(String name, CiIdentity identity, UUID agent, List<TrustPolicy> policies, String denial) {
        if (denial == null) {
            TrustPolicy admitted = TrustPolicies.evaluate(identity, agent, policies);
            assertThat(policies).contains(admitted);
        } else {
            assertThatThrownBy(() -> TrustPolicies.evaluate(identity, agent, policies))
                    .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
                        assertThat(e.getMessage()).startsWith(denial);
                        assertThat(e.reason()).isEqualTo(denial.startsWith("Branch")
                                ? DenialReason.BRANCH_NOT_PERMITTED : DenialReason.TRUST_POLICY_VIOLATION);
                    });
        }
    }

    @org.junit.jupiter.api.Test
    void evaluateWhenExactBranchAndWildcardBothAdmitThenExactBranchChosen() {
        TrustPolicy any = policy("octo-org/octo-repo", null, null);
        TrustPolicy main = policy("octo-org/octo-repo", "main", null);
        assertThat(TrustPolicies.evaluate(push("octo-org/octo-repo", "main"), null, List.of(any, main))).isEqualTo(main);
    }
}
