package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.util.Optional;
import java.util.UUID;

/**
 * One token-exchange request.
 *
 * @param provider the provider that minted {@code token}, e.g. {@code github}
 * @param token the provider's OIDC JWT
 * @param agentId the agent to issue a token for (agent-scoped mode), or null for bootstrap mode
 * @param audience the resource server the token is for (RFC 8693 {@code audience}, RFC 8707
 *     {@code resource}), or null for the admitting policy's {@code audiences} (else this IdP)
 * @param scope the requested scope, or null; when given it must be the mode's scope
 *     ({@link Scopes#AGENTS_WRITE} for bootstrap, {@link Scopes#AGENT} for an agent)
 */
public record ExchangeRequest(String provider, String token, UUID agentId, String audience, String scope) {
    /** The provider a request that names none uses, for requests written before there were several. */
    public static final String DEFAULT_PROVIDER = "github";
    /** The longest audience a request may name. */
    public static final int MAX_AUDIENCE_LENGTH = 2048;

    /**
     * Checks the request's shape; whether the token is valid and admitted is the exchanger's
     * business.
     *
     * @param provider the provider's name, not blank
     * @param token the provider's OIDC JWT, not blank
     * @param agentId the agent, or null for bootstrap mode
     * @param audience null, or a non-blank audience of at most {@link #MAX_AUDIENCE_LENGTH} characters
     * @param scope null, or the scope asked for; {@link TokenExchanger#exchange} refuses one other
     *     than the mode's ({@link #requireModeScope()}), so that the refusal is logged and audited
     * @throws InvalidRequestException a blank provider or token, or an empty or overlong audience
     */
    public ExchangeRequest {
        if (provider == null || provider.isBlank()) {
            throw new InvalidRequestException("provider must not be blank");
        }
        if (token == null || token.isBlank()) {
            throw new InvalidRequestException("token is required");
        }
        if (audience != null) {
            if (audience.isBlank()) {
                throw new InvalidRequestException("audience must not be empty");
            }
            if (audience.length() > MAX_AUDIENCE_LENGTH) {
                throw new InvalidRequestException("audience must be at most " + MAX_AUDIENCE_LENGTH + " characters");
            }
        }
    }

    /**
     * Checks that the scope asked for, if any, is the mode's: {@code agents:write} in bootstrap
     * mode, {@code agent} for an agent.
     *
     * @throws InvalidScopeException a scope other than the mode's
     */
    public void requireModeScope() {
        String granted = agentId == null ? Scopes.AGENTS_WRITE : Scopes.AGENT;
        if (scope != null && !scope.equals(granted)) {
            throw new InvalidScopeException("scope " + Names.quote(scope) + " cannot be granted: "
                    + (agentId == null ? "a bootstrap exchange (no agent id) issues scope " + Scopes.AGENTS_WRITE
                    : "an agent exchange issues scope " + Scopes.AGENT));
        }
    }

    /**
     * A request without audience or scope, as version 1 of this record had it.
     *
     * @param provider the provider's name
     * @param token the provider's OIDC JWT
     * @param agentId the agent, or null for bootstrap mode
     * @throws InvalidRequestException a blank provider or token
     */
    public ExchangeRequest(String provider, String token, UUID agentId) {
        this(provider, token, agentId, null, null);
    }

    /**
     * A bootstrap exchange: a token with scope {@code agents:write}.
     *
     * @param provider the provider's name
     * @param token the provider's OIDC JWT
     * @return the request
     * @throws InvalidRequestException a blank provider or token
     */
    public static ExchangeRequest bootstrap(String provider, String token) {
        return new ExchangeRequest(provider, token, null);
    }

    /**
     * An agent-scoped exchange: a token for {@code agentId}.
     *
     * @param provider the provider's name
     * @param token the provider's OIDC JWT
     * @param agentId the agent, not null
     * @return the request
     * @throws InvalidRequestException a blank provider or token
     */
    public static ExchangeRequest forAgent(String provider, String token, UUID agentId) {
        return new ExchangeRequest(provider, token, java.util.Objects.requireNonNull(agentId, "agentId"));
    }

    /**
     * This request for another resource server.
     *
     * @param audience the audience, or null for the default audience
     * @return a copy of this request with {@code audience}
     * @throws InvalidRequestException an empty or overlong audience
     */
    public ExchangeRequest withAudience(String audience) {
        return new ExchangeRequest(provider, token, agentId, audience, scope);
    }

    /** {@return the agent of an agent-scoped exchange; empty for bootstrap mode} */
    public Optional<UUID> agent() {
        return Optional.ofNullable(agentId);
    }

    /** {@return the requested audience; empty when the request named none} */
    public Optional<String> requestedAudience() {
        return Optional.ofNullable(audience);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ExchangeRequest[provider=" + provider + ", agentId=" + agentId + ", audience=" + audience
                + ", scope=" + scope + ", token=<redacted>]";
    }
}
