package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers agents: with a bootstrap access token of this IdP (scope {@code agents:write}), or
 * as the administrator. Records who registered each agent. Thread-safe.
 *
 * <p>A bootstrap token is single use: the first registration spends it, in the store's
 * {@link ReplayGuard} under this IdP's issuer and the token's {@code jti}. The replay guard is the
 * store's one atomic "first use wins" across every server on the store, and it forgets a record
 * once the token has expired; a table of its own would repeat both for every store. The token is
 * spent and the agent stored in one step ({@link AgentRepository#createSpending}), so a store
 * failure answered "try again" leaves the token usable for the retry.
 */
public final class AgentRegistrar {
    /** What {@link Agent#createdBy()} says for agents the administrator registered. */
    public static final String ADMIN = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistrar.class);

    private final AccessTokenIssuer tokens;
    private final AgentRepository agents;
    private final TokenIntrospector introspector;
    private final ReplayGuard replayGuard;

    /**
     * A registrar over one store.
     *
     * @param tokens verifies the callers' access tokens
     * @param store holds the agents; its trust policies, revocations and replay guard decide
     *     whether a bootstrap token is still good and spend it
     * @throws NullPointerException when either is null
     */
    public AgentRegistrar(AccessTokenIssuer tokens, IdpStore store) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(store, "store");
        this.agents = store.agents();
        this.introspector = new TokenIntrospector(tokens, store);
        this.replayGuard = store.replayGuard();
    }

    /**
     * Registers an agent on the authority of {@code accessToken}, which must be a valid token of
     * this IdP with scope {@code agents:write}. The token is spent only when the agent is valid.
     *
     * @param accessToken the caller's bearer token
     * @param name the agent's display name
     * @param description its description, or null
     * @return the stored agent; {@link Agent#createdBy()} names the token's provenance
     * @throws InvalidTokenException the token is not a valid token of ours, is for another
     *     audience than this IdP, was already used, was revoked, or its trust policy has been deleted
     * @throws InsufficientScopeException when it lacks the scope
     * @throws InvalidRequestException bad name or description (the token is not spent)
     */
    public Agent registerWithToken(String accessToken, String name, String description) {
        AccessTokenClaims caller = tokens.verifyForThisIdp(accessToken);
        if (!caller.hasScope(Scopes.AGENTS_WRITE)) {
            throw new InsufficientScopeException(Scopes.AGENTS_WRITE, "The access token lacks scope " + Scopes.AGENTS_WRITE
                    + ": only a bootstrap token (or the admin token) can register agents");
        }
        Agent agent = Agent.create(name, description, caller.provenance()); // a bad name must not spend the token
        introspector.requireActive(caller); // introspection's rule: not revoked, policy not deleted
        Optional<Agent> stored = agents.createSpending(agent, replayGuard, tokens.issuer(), caller.jti(),
                caller.expiresAt().plus(AccessTokenIssuer.CLOCK_MARGIN));
        if (stored.isEmpty()) {
            // The route logs the refusal (one line per refusal); who reused which token is detail.
            LOG.debug("agent registration denied createdBy={} jti={} reason=\"bootstrap token already used\"",
                    Names.loggable(caller.provenance()), Names.loggable(caller.jti()));
            throw new InvalidTokenException(TokenFailure.ALREADY_USED,
                    TokenIntrospector.BOOTSTRAP_SPENT);
        }
        return logged(stored.get());
    }

    /**
     * Registers an agent as the administrator (the caller has checked the admin token).
     *
     * @param name the agent's display name
     * @param description its description, or null
     * @return the stored agent, created by {@link #ADMIN}
     * @throws InvalidRequestException bad name or description
     */
    public Agent registerAsAdmin(String name, String description) {
        return store(Agent.create(name, description, ADMIN));
    }

    private Agent store(Agent created) {
        return logged(agents.create(created));
    }

    private static Agent logged(Agent agent) {
        LOG.info("agent registered id={} createdBy={}", agent.id(), Names.loggable(agent.createdBy()));
        return agent;
    }
}
