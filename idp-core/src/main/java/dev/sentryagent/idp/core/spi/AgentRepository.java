package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import java.time.Instant;
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
     * Stores a new agent registered with a bootstrap token and spends the token, as one step:
     * the agent is stored only when the token was not spent before, and the token is spent only
     * when the agent is stored, so a failure leaves the token usable for a retry. What
     * {@link dev.sentryagent.idp.core.AgentRegistrar} calls.
     *
     * <p>The default spends the token with {@code replayGuard}, then stores the agent: two steps,
     * so a failure to store leaves the token spent. The stores of this library override it with
     * one transaction on their own replay guard.
     *
     * @param agent the agent, with a fresh id
     * @param replayGuard the store's replay guard, where bootstrap tokens are spent
     * @param issuer this IdP's issuer
     * @param jti the bootstrap token's {@code jti}
     * @param keepUntil the earliest instant the token's spending may be forgotten
     * @return the agent as stored, or empty when the token had been spent
     * @throws dev.sentryagent.idp.core.InvalidRequestException when an agent with the same id
     *     exists (the token is then not spent by the stores of this library)
     */
    default Optional<Agent> createSpending(Agent agent, ReplayGuard replayGuard, String issuer, String jti,
                                           Instant keepUntil) {
        if (!replayGuard.firstUse(issuer, jti, keepUntil)) {
            return Optional.empty();
        }
        return Optional.of(create(agent));
    }

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
