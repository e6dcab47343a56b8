package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.memory.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Creating policies through the gate: configured providers only, and one set of ids per repository. */
class PolicyGateCreateTest {
    final InMemoryStore store = new InMemoryStore();
    final PolicyGate gate = new PolicyGate(store.trustPolicies(), store.agents(), List.of("github", "ghes"));

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
