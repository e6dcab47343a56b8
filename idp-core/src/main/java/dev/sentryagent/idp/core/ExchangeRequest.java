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
    public static final String DEFAULT_PROVIDER = "github";
    /** The longest audience a request may name. */
    public static final int MAX_AUDIENCE_LENGTH = 2048;

    /**
     * @throws InvalidRequestException a blank provider or token, or an empty or overlong audience
     * @throws InvalidScopeException a scope other than the mode's
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
        String granted = agentId == null ? Scopes.AGENTS_WRITE : Scopes.AGENT;
        if (scope != null && !scope.equals(granted)) {
            throw new InvalidScopeException("scope " + Names.quote(scope) + " cannot be granted: "
                    + (agentId == null ? "a bootstrap exchange (no agent id) issues scope " + Scopes.AGENTS_WRITE
                    : "an agent exchange issues scope " + Scopes.AGENT));
        }
    }

    /** A request without audience or scope, as version 1 of this record had it. */
    public ExchangeRequest(String provider, String token, UUID agentId) {
        this(provider, token, agentId, null, null);
    }

    /** A bootstrap exchange: a token with scope {@code agents:write}. */
    public static ExchangeRequest bootstrap(String provider, String token) {
        return new ExchangeRequest(provider, token, null);
    }

    /** An agent-scoped exchange: a token for {@code agentId}. */
    public static ExchangeRequest forAgent(String provider, String token, UUID agentId) {
        return new ExchangeRequest(provider, token, java.util.Objects.requireNonNull(agentId, "agentId"));
    }

    /** This request for the resource server {@code audience} (null: the default audience). */
    public ExchangeRequest withAudience(String audience) {
        return new ExchangeRequest(provider, token, agentId, audience, scope);
    }

    public Optional<UUID> agent() {
        return Optional.ofNullable(agentId);
    }

    /** The requested audience, if any. */
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
