package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.spi.AgentRepository;
import java.time.Instant;
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

    static final String IDP = "https://idp.example.test";

    Instant keepUntil() {
        return Instant.now().plusSeconds(600);
    }

    @Test
    void createSpendingThenAgentStoredAndTokenSpentOnce() {
        Agent first = Agent.create("deployer", null, "github:org/repo@refs/heads/main");
        assertThat(agents.createSpending(first, store.replayGuard(), IDP, "bootstrap-1", keepUntil())).contains(first);
        assertThat(agents.findById(first.id())).contains(first);
        assertThat(store.replayGuard().wasUsed(IDP, "bootstrap-1")).isTrue();

        Agent second = Agent.create("again", null, "github:org/repo@refs/heads/main");
        assertThat(agents.createSpending(second, store.replayGuard(), IDP, "bootstrap-1", keepUntil())).isEmpty();
        assertThat(agents.findById(second.id())).isEmpty();
    }

    @Test
    void createSpendingWhenTheAgentCannotBeStoredThenTokenNotSpentAndARetryWorks() {
        Agent existing = agents.create(Agent.create("deployer", null, "admin"));
        Agent clash = new Agent(existing.id(), "other", null, existing.createdAt(), "github:org/repo@refs/heads/main");

        assertThatThrownBy(() -> agents.createSpending(clash, store.replayGuard(), IDP, "bootstrap-2", keepUntil()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("an agent with id " + existing.id() + " already exists");

        assertThat(store.replayGuard().wasUsed(IDP, "bootstrap-2")).isFalse();
        Agent retry = Agent.create("deployer", null, "github:org/repo@refs/heads/main");
        assertThat(agents.createSpending(retry, store.replayGuard(), IDP, "bootstrap-2", keepUntil())).contains(retry);
    }

    @Test
    void createSpendingRaceThenOneAgentPerToken() throws Exception {
        Races.eachRoundHasOneWinner(3, 16, "bootstrap-race-", (racer, jti) -> agents.createSpending(
                Agent.create("racer-" + racer, null, "github:org/repo@refs/heads/main"), store.replayGuard(), IDP, jti,
                keepUntil()).isPresent());
        assertThat(idsPageByPage(100)).hasSize(3);
    }

    /** The ids of every agent, read page by page with {@code pageSize} and the cursors. */
    List<UUID> idsPageByPage(int pageSize) {
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        do {
            Page<Agent> page = agents.list(PageRequest.of(pageSize, cursor));
            page.items().forEach(a -> seen.add(a.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return seen;
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
        assertThat(idsPageByPage(3)).containsExactlyInAnyOrderElementsOf(created).hasSize(7);
    }

    @Test
    void textFieldsWithSqlMetacharactersAreStoredVerbatim() {
        Agent agent = agents.create(Agent.create("a'; DROP TABLE agents; --", "\\' \" %_ ? ; /* */", "x' OR '1'='1"));
        assertThat(agents.findById(agent.id())).contains(agent);
    }
}
