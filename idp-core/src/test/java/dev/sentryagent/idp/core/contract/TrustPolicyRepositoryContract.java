package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TrustPolicyRepository} must do. Subclasses give a fresh, empty store. */
public abstract class TrustPolicyRepositoryContract extends StoreContract {
    protected TrustPolicyRepository policies;


    @BeforeEach
    void setUpStore() {
        policies = store.trustPolicies();
    }

    protected Agent agent() {
        return store.agents().create(Agent.create("builder", null, "admin"));
    }

    @Test
    void createThenFindByIdReturnsEqualPolicy() {
        UUID agent = agent().id();
        TrustPolicy policy = policies.create(TrustPolicy.create("github", "Org/Repo", "main", agent, 5L, 6L));
        assertThat(policies.findById(policy.id())).contains(policy);
    }

    @Test
    void findByIdWhenAbsentThenEmpty() {
        assertThat(policies.findById(UUID.randomUUID())).isEmpty();
    }

    @Test
    void createWhenIdenticalThenDuplicateNamesExistingId() {
        TrustPolicy first = policies.create(TrustPolicy.create("github", "org/repo", "main", null));
        assertThatThrownBy(() -> policies.create(TrustPolicy.create("github", "ORG/Repo", "main", null)))
                .isInstanceOfSatisfying(DuplicatePolicyException.class,
                        e -> assertThat(e.existingId()).isEqualTo(first.id()));
    }

    @Test
    void createWhenIdenticalWithoutBranchAndAgentThenDuplicate() {
        TrustPolicy first = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        assertThatThrownBy(() -> policies.create(TrustPolicy.create("github", "org/repo", null, null)))
                .isInstanceOfSatisfying(DuplicatePolicyException.class,
                        e -> assertThat(e.existingId()).isEqualTo(first.id()));
    }

    @Test
    void createWhenOnlyBranchOrAgentDiffersThenBothStored() {
        UUID agent = agent().id();
        policies.create(TrustPolicy.create("github", "org/repo", null, null));
        policies.create(TrustPolicy.create("github", "org/repo", "main", null));
        policies.create(TrustPolicy.create("github", "org/repo", "Main", null));
        policies.create(TrustPolicy.create("github", "org/repo", null, agent));
        policies.create(TrustPolicy.create("github", "org/repo", "main", agent));
        assertThat(policies.list(TrustPolicyQuery.all(PageRequest.first(50))).items()).hasSize(5);
    }

    @Test
    void createWhenAgentUnknownThenInvalidRequest() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> policies.create(TrustPolicy.create("github", "org/repo", null, unknown)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("agentId must name an existing agent, got " + unknown);
    }

    @Test
    void findCandidatesMatchesRepositoryCaseInsensitivelyAndAgentExactly() {
        UUID agent = agent().id();
        UUID other = agent().id();
        TrustPolicy bootstrap = policies.create(TrustPolicy.create("github", "Org/Repo", null, null));
        TrustPolicy forAgent = policies.create(TrustPolicy.create("github", "org/repo", "main", agent));
        policies.create(TrustPolicy.create("github", "org/repo", "main", other));
        policies.create(TrustPolicy.create("github", "org/other", null, null));
        policies.create(TrustPolicy.create("gitlab", "org/repo", null, null));

        assertThat(policies.findCandidates("github", "ORG/REPO", null)).containsExactly(bootstrap);
        assertThat(policies.findCandidates("github", "org/repo", agent)).containsExactly(forAgent);
        assertThat(policies.findCandidates("github", "org/nothing", null)).isEmpty();
    }

    @Test
    void deleteRemovesOnceThenFalse() {
        TrustPolicy policy = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        assertThat(policies.delete(policy.id())).isTrue();
        assertThat(policies.delete(policy.id())).isFalse();
        assertThat(policies.findById(policy.id())).isEmpty();
        policies.create(TrustPolicy.create("github", "org/repo", null, null)); // identity is free again
    }

    @Test
    void deletingAgentDeletesItsPolicies() {
        UUID agent = agent().id();
        TrustPolicy policy = policies.create(TrustPolicy.create("github", "org/repo", null, agent));
        TrustPolicy kept = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        assertThat(store.agents().delete(agent)).isTrue();
        assertThat(policies.findById(policy.id())).isEmpty();
        assertThat(policies.findById(kept.id())).isPresent();
    }

    @Test
    void pinRepositoryIdsSetsOnlyUnsetIds() {
        TrustPolicy policy = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        assertThat(policies.pinRepositoryIds(policy.id(), 10, 20)).hasValueSatisfying(p -> {
            assertThat(p.repositoryId()).isEqualTo(10L);
            assertThat(p.repositoryOwnerId()).isEqualTo(20L);
        });
        assertThat(policies.pinRepositoryIds(policy.id(), 11, 21)).hasValueSatisfying(p -> {
            assertThat(p.repositoryId()).isEqualTo(10L);
            assertThat(p.repositoryOwnerId()).isEqualTo(20L);
        });
        assertThat(policies.findById(policy.id()).orElseThrow().repositoryId()).isEqualTo(10L);
        assertThat(policies.pinRepositoryIds(UUID.randomUUID(), 1, 2)).isEmpty();
    }

    @Test
    void listPagesThroughEveryPolicyOnceInIdOrder() {
        Set<UUID> created = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            created.add(policies.create(TrustPolicy.create("github", "org/repo-" + i, null, null)).id());
        }
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<TrustPolicy> page = policies.list(TrustPolicyQuery.all(PageRequest.of(10, cursor)));
            page.items().forEach(p -> seen.add(p.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(23).containsExactlyInAnyOrderElementsOf(created);
        assertThat(seen).isSortedAccordingTo((a, b) -> a.toString().compareTo(b.toString()));
    }

    @Test
    void listFiltersByProviderRepositoryAndAgent() {
        UUID agent = agent().id();
        TrustPolicy a = policies.create(TrustPolicy.create("github", "Org/Repo", null, agent));
        TrustPolicy b = policies.create(TrustPolicy.create("github", "org/repo", "main", null));
        TrustPolicy c = policies.create(TrustPolicy.create("gitlab", "org/other", null, null));
        PageRequest page = PageRequest.first(50);
        assertThat(policies.list(new TrustPolicyQuery(null, "ORG/repo", null, page)).items())
                .containsExactlyInAnyOrder(a, b);
        assertThat(policies.list(new TrustPolicyQuery(null, null, agent, page)).items()).containsExactly(a);
        assertThat(policies.list(new TrustPolicyQuery("gitlab", null, null, page)).items()).containsExactly(c);
        assertThat(policies.list(new TrustPolicyQuery("github", "org/repo", agent, page)).items()).containsExactly(a);
    }

    @Test
    void listWhenExactlyOnePageThenNoNextCursor() {
        for (int i = 0; i < 3; i++) {
            policies.create(TrustPolicy.create("github", "org/r" + i, null, null));
        }
        assertThat(policies.list(TrustPolicyQuery.all(PageRequest.first(3))).nextCursor()).isNull();
    }

    @Test
    void textFieldsWithSqlMetacharactersAreStoredVerbatim() {
        String branch = "x'); DROP TABLE oidc_trust_policies; --";
        // git allows these characters in branch names, so they must round-trip untouched
        TrustPolicy policy = policies.create(TrustPolicy.create("github", "org/repo_--", branch.replace(" ", "_"), null));
        assertThat(policies.findById(policy.id())).contains(policy);
        assertThat(policies.findCandidates("github", "org/repo_--", null)).containsExactly(policy);
        assertThat(policies.list(new TrustPolicyQuery("github", "org/repo_--", null, PageRequest.first(5))).items())
                .containsExactly(policy);
    }
}
