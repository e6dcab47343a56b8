package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustConditions;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.time.Duration;
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
    void pinRepositoryIdsPinsEveryPolicyOfTheRepositoryOnceAndReturnsTheWinner() {
        UUID agent = agent().id();
        TrustPolicy bootstrap = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        TrustPolicy forAgent = policies.create(TrustPolicy.create("github", "Org/Repo", "main", agent));
        TrustPolicy other = policies.create(TrustPolicy.create("github", "org/other", null, null));
        assertThat(policies.findRepositoryIds("github", "org/repo")).isEmpty();

        assertThat(policies.pinRepositoryIds("github", "ORG/repo", new RepositoryIds(10, 20)))
                .isEqualTo(new RepositoryIds(10, 20));
        assertThat(policies.pinRepositoryIds("github", "org/repo", new RepositoryIds(11, 21)))
                .isEqualTo(new RepositoryIds(10, 20));

        assertThat(policies.findById(bootstrap.id()).orElseThrow().pinnedIds()).contains(new RepositoryIds(10, 20));
        assertThat(policies.findById(forAgent.id()).orElseThrow().pinnedIds()).contains(new RepositoryIds(10, 20));
        assertThat(policies.findById(other.id()).orElseThrow().pinnedIds()).isEmpty();
        assertThat(policies.findRepositoryIds("github", "org/repo")).contains(new RepositoryIds(10, 20));
        assertThat(policies.findRepositoryIds("gitlab", "org/repo")).isEmpty();
    }

    @Test
    void pinRepositoryIdsWhenOnePolicyCreatedWithIdsThenOthersGetThoseIds() {
        TrustPolicy unpinned = policies.create(TrustPolicy.create("github", "org/repo", "release", null));
        policies.create(TrustPolicy.create("github", "org/repo", "main", null, 100L, 200L));

        assertThat(policies.pinRepositoryIds("github", "org/repo", new RepositoryIds(999, 888)))
                .isEqualTo(new RepositoryIds(100, 200));
        assertThat(policies.findById(unpinned.id()).orElseThrow().pinnedIds()).contains(new RepositoryIds(100, 200));
    }

    @Test
    void createThenFindReturnsConditionsAudiencesAndTtl() {
        TrustPolicy policy = policies.create(TrustPolicy.builder("github", "org/repo")
                .conditions(TrustConditions.builder()
                        .refs(List.of("refs/heads/main", "refs/tags/v*"))
                        .environments(List.of("production"))
                        .workflows(List.of(".github/workflows/deploy.yml"))
                        .jobWorkflows(List.of("org/shared/.github/workflows/release.yml@refs/heads/main"))
                        .events(List.of("push", "workflow_dispatch"))
                        .refProtected(true)
                        .runnerEnvironment("github-hosted")
                        .build())
                .audiences(List.of("https://deploy.example.com", "http://127.0.0.1:8080/api"))
                .tokenTtl(Duration.ofMinutes(5))
                .build());

        TrustPolicy found = policies.findById(policy.id()).orElseThrow();
        assertThat(found).isEqualTo(policy);
        assertThat(found.conditions().refs()).containsExactly("refs/heads/main", "refs/tags/v*");
        assertThat(found.conditions().refMatches("refs/tags/v1.2")).isTrue();
        assertThat(found.audiences()).containsExactly("https://deploy.example.com", "http://127.0.0.1:8080/api");
        assertThat(found.tokenTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policies.findCandidates("github", "org/repo", null)).containsExactly(policy);
        assertThat(policies.list(TrustPolicyQuery.all(PageRequest.first(5))).items()).containsExactly(policy);
    }

    @Test
    void createWhenOnlyConditionsAudiencesOrTtlDifferThenEachStoredAndIdenticalOnesRefused() {
        TrustPolicy bare = policies.create(TrustPolicy.create("github", "org/repo", null, null));
        TrustPolicy production = policies.create(TrustPolicy.builder("github", "org/repo")
                .conditions(TrustConditions.builder().environments(List.of("production", "staging")).build()).build());
        policies.create(TrustPolicy.builder("github", "org/repo")
                .conditions(TrustConditions.builder().environments(List.of("staging")).build()).build());
        policies.create(TrustPolicy.builder("github", "org/repo").audiences(List.of("https://a.example")).build());
        policies.create(TrustPolicy.builder("github", "org/repo").tokenTtl(Duration.ofMinutes(2)).build());

        assertThatThrownBy(() -> policies.create(TrustPolicy.create("github", "ORG/repo", null, null)))
                .isInstanceOfSatisfying(DuplicatePolicyException.class,
                        e -> assertThat(e.existingId()).isEqualTo(bare.id()));
        // The same conditions in another order and case are the same policy.
        assertThatThrownBy(() -> policies.create(TrustPolicy.builder("github", "org/repo")
                .conditions(TrustConditions.builder().environments(List.of("Staging", "PRODUCTION")).build()).build()))
                .isInstanceOfSatisfying(DuplicatePolicyException.class,
                        e -> assertThat(e.existingId()).isEqualTo(production.id()));
        assertThat(policies.list(TrustPolicyQuery.all(PageRequest.first(50))).items()).hasSize(5);
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
