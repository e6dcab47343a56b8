package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.spi.AgentRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AgentRepository} must do. */
public abstract class AgentRepositoryContract extends StoreContract {
    protected AgentRepository agents;


    @BeforeEach
    void setUpStore() {
        agents = store.agents();
    }

    @Test
    void createThenFindByIdReturnsEqualAgent() {
        Agent agent = agents.create(Agent.create("deployer", "ships things", "github:org/repo@refs/heads/main"));
        assertThat(agents.findById(agent.id())).contains(agent);
    }

    @Test
    void createWithoutDescriptionThenNullKept() {
        Agent agent = agents.create(Agent.create("deployer", null, "admin"));
        assertThat(agents.findById(agent.id()).orElseThrow().description()).isNull();
    }

    @Test
    void findByIdWhenAbsentThenEmpty() {
        assertThat(agents.findById(UUID.randomUUID())).isEmpty();
    }

    @Test
    void deleteRemovesOnceThenFalse() {
        Agent agent = agents.create(Agent.create("deployer", null, "admin"));
        assertThat(agents.delete(agent.id())).isTrue();
        assertThat(agents.delete(agent.id())).isFalse();
        assertThat(agents.findById(agent.id())).isEmpty();
    }

    @Test
    void listPagesThroughEveryAgentOnce() {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(agents.create(Agent.create("agent-" + i, null, "admin")).id());
        }
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        do {
            Page<Agent> page = agents.list(PageRequest.of(3, cursor));
            page.items().forEach(a -> seen.add(a.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created).hasSize(7);
    }

    @Test
    void textFieldsWithSqlMetacharactersAreStoredVerbatim() {
        Agent agent = agents.create(Agent.create("a'; DROP TABLE agents; --", "\\' \" %_ ? ; /* */", "x' OR '1'='1"));
        assertThat(agents.findById(agent.id())).contains(agent);
    }
}
