package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import java.util.Optional;
import java.util.UUID;

/** Stores agents. Implementations must be thread-safe. */
public interface AgentRepository {

    Agent create(Agent agent);

    Optional<Agent> findById(UUID id);

    /** A page of agents, in id order. */
    Page<Agent> list(PageRequest page);

    /** Deletes an agent and every trust policy that names it; false when there was none. */
    boolean delete(UUID id);
}
