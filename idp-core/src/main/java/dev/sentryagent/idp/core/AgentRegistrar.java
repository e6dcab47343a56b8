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

    private final TokenExchanger exchanger;
    private final AgentRepository agents;
    private final TokenIntrospector introspector;

    public AgentRegistrar(TokenExchanger exchanger, AgentRepository agents) {
        this(exchanger, agents, null);
    }

    /**
     * With {@code introspector}, a token must also be active: not revoked, its agent and policy
     * not deleted (the rule introspection applies).
     */
    public AgentRegistrar(TokenExchanger exchanger, AgentRepository agents, TokenIntrospector introspector) {
        this.exchanger = Objects.requireNonNull(exchanger, "exchanger");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.introspector = introspector;
    }

    /**
     * Registers an agent on the authority of {@code accessToken}, which must be a valid token of
     * this IdP with scope {@code agents:write}.
     *
     * @throws InvalidTokenException the token is not a valid token of ours
     * @throws IdpException with {@link ErrorCode#INSUFFICIENT_SCOPE} when it lacks the scope
     * @throws InvalidRequestException bad name or description
     */
    public Agent registerWithToken(String accessToken, String name, String description) {
        AccessTokenClaims caller = exchanger.verifyAccessToken(accessToken);
        if (introspector != null) {
            introspector.requireActive(accessToken);
        }
        if (!caller.hasScope(Scopes.AGENTS_WRITE)) {
            throw new IdpException(ErrorCode.INSUFFICIENT_SCOPE, "The access token lacks scope " + Scopes.AGENTS_WRITE
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
