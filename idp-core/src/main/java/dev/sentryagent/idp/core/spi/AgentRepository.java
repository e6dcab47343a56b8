package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import java.util.Optional;
import java.util.UUID;

/** Stores agents. Implementations must be thread-safe. */
public interface AgentRepository {

    /**
     * Stores a new agent.
     *
     * @param agent the agent, with a fresh id
     * @return the agent as stored
     * @throws dev.sentryagent.idp.core.InvalidRequestException when an agent with the same id exists
     */
    Agent create(Agent agent);

    /**
     * {@return the agent with this id, or empty when there is none}
     *
     * @param id the agent's id
     */
    Optional<Agent> findById(UUID id);

    /**
     * {@return a page of agents, in id order}
     *
     * @param page the page size and where the previous page ended
     */
    Page<Agent> list(PageRequest page);

    /**
     * Deletes an agent and every trust policy that names it, atomically.
     *
     * @param id the agent's id
     * @return true when the agent existed, false when there was none
     */
    boolean delete(UUID id);
}
