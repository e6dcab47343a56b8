package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.spi.AgentRepository;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers agents: with a bootstrap access token of this IdP (scope {@code agents:write}), or
 * as the administrator. Records who registered each agent. Thread-safe.
 */
public final class AgentRegistrar {
    /** What {@link Agent#createdBy()} says for agents the administrator registered. */
    public static final String ADMIN = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistrar.class);

    private final AccessTokenIssuer tokens;
    private final AgentRepository agents;

    /** {@code tokens} verifies the callers' access tokens; {@code agents} stores the agents. */
    public AgentRegistrar(AccessTokenIssuer tokens, AgentRepository agents) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.agents = Objects.requireNonNull(agents, "agents");
    }

    /**
     * Registers an agent on the authority of {@code accessToken}, which must be a valid token of
     * this IdP with scope {@code agents:write}.
     *
     * @throws InvalidTokenException the token is not a valid token of ours
     * @throws InsufficientScopeException when it lacks the scope
     * @throws InvalidRequestException bad name or description
     */
    public Agent registerWithToken(String accessToken, String name, String description) {
        AccessTokenClaims caller = tokens.verify(accessToken);
        if (!caller.hasScope(Scopes.AGENTS_WRITE)) {
            throw new InsufficientScopeException(Scopes.AGENTS_WRITE, "The access token lacks scope " + Scopes.AGENTS_WRITE
                    + ": only a bootstrap token (or the admin token) can register agents");
        }
        return register(name, description, caller.provenance());
    }

    /** Registers an agent as the administrator. */
    public Agent registerAsAdmin(String name, String description) {
        return register(name, description, ADMIN);
    }

    private Agent register(String name, String description, String createdBy) {
        Agent agent = agents.create(Agent.create(name, description, createdBy));
        LOG.info("agent registered id={} createdBy={}", agent.id(), createdBy);
        return agent;
    }
}
