package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Creating policies through the gate: configured providers only, each provider type's rules, and
 * one set of ids per repository.
 */
class PolicyGateCreateTest {
    final InMemoryStore store = new InMemoryStore();
    final PolicyGate gate = new PolicyGate(store.trustPolicies(), store.agents(), List.of("github", "ghes"));
    final PolicyGate typed = new PolicyGate(store.trustPolicies(), store.agents(),
            Map.of("github", "github", "ghes", "github", "lab", "gitlab"));

    @ParameterizedTest
    @ValueSource(strings = {"org/repo/x", "-org/repo", "org-/repo", "o--rg/repo",
            "a234567890123456789012345678901234567890/repo"})
    void createWhenGitHubRepositoryNotOwnerNameThenRefused(String repository) {
        assertThatThrownBy(() -> typed.create(TrustPolicy.create("ghes", repository, null, null)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("repository must be owner/name, got \"" + repository + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/deployer", "acme/platform/deployer", "Acme/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t",
            "_g/my.project-1"})
    void createWhenGitLabProjectPathThenCreated(String repository) {
        assertThat(typed.create(TrustPolicy.create("lab", repository, null, null)).repository()).isEqualTo(repository);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/-x", "acme/x.git", "acme/x.atom", "acme/x.", ".acme/x",
            "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v"})
    void createWhenGitLabPathInvalidThenRefused(String repository) {
        assertThatThrownBy(() -> typed.create(TrustPolicy.create("lab", repository, null, null)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("repository must be a GitLab project's full path, group[/subgroup...]/project (letters, "
                        + "digits, _ - . in each part), got \"" + repository + "\"");
    }

    @Test
    void createWhenJobWorkflowsForGitLabThenRefused() {
        TrustPolicy policy = TrustPolicy.builder("lab", "acme/platform/deployer").conditions(TrustConditions.builder()
                .jobWorkflows(List.of("org/shared/.github/workflows/x.yml@refs/heads/main")).build()).build();
        assertThatThrownBy(() -> typed.create(policy))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("conditions.jobWorkflows is GitHub only: provider lab is a GitLab instance, whose pipelines "
                        + "have no reusable workflows (use conditions.workflows for the pipeline file)");
    }

    @Test
    void createWhenRunnerEnvironmentOfTheOtherPlatformThenRefused() {
        assertThatThrownBy(() -> typed.create(TrustPolicy.builder("lab", "acme/deployer").conditions(TrustConditions
                .builder().runnerEnvironment("github-hosted").build()).build()))
                .hasMessage("conditions.runnerEnvironment must be one of gitlab-hosted, self-hosted for provider lab, "
                        + "got \"github-hosted\"");
        assertThatThrownBy(() -> typed.create(TrustPolicy.builder("ghes", "acme/deployer").conditions(TrustConditions
                .builder().runnerEnvironment("gitlab-hosted").build()).build()))
                .hasMessage("conditions.runnerEnvironment must be one of github-hosted, self-hosted for provider ghes, "
                        + "got \"gitlab-hosted\"");
        assertThat(typed.create(TrustPolicy.builder("lab", "acme/deployer").conditions(TrustConditions.builder()
                .runnerEnvironment("self-hosted").build()).build()).conditions().runnerEnvironment())
                .isEqualTo("self-hosted");
    }

    @Test
    void createWhenProviderNotConfiguredThenRefused() {
        assertThatThrownBy(() -> gate.create(TrustPolicy.create("gitlab", "org/repo", null, null)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("provider \"gitlab\" is not configured; configured providers: ghes, github");
    }

    @Test
    void createWhenRepositoryPinnedThenNewPolicyInheritsItsIds() {
        gate.create(TrustPolicy.create("github", "org/repo", "main", null, 100L, 200L));
        TrustPolicy later = gate.create(TrustPolicy.create("github", "Org/Repo", "release", null));
        assertThat(later.pinnedIds()).contains(new RepositoryIds(100, 200));
        assertThat(store.trustPolicies().findById(later.id()).orElseThrow().pinnedIds())
                .contains(new RepositoryIds(100, 200));
    }

    @Test
    void createWhenIdsDifferFromRepositoryPinThenRefused() {
        gate.create(TrustPolicy.create("github", "org/repo", "main", null, 100L, 200L));
        assertThatThrownBy(() -> gate.create(TrustPolicy.create("github", "org/repo", "release", null, 999L, 200L)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("repositoryId and repositoryOwnerId must be the ids repository org/repo is pinned to, "
                        + "100 and 200, got 999 and 200");
        // Another provider's repository of the same name is another repository.
        assertThat(gate.create(TrustPolicy.create("ghes", "org/repo", "main", null, 999L, 200L)).repositoryId())
                .isEqualTo(999L);
    }

    @Test
    void createWhenOnlyOneIdGivenThenRefused() {
        assertThatThrownBy(() -> gate.create(TrustPolicy.create("github", "org/repo", "main", null, 100L, null)))
                .hasMessage("repositoryId and repositoryOwnerId must be given together");
    }
}
