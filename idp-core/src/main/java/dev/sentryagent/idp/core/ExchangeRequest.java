package dev.sentryagent.idp.core;

import java.util.Optional;
import java.util.UUID;

/**
 * One token-exchange request.
 *
 * @param provider the provider that minted {@code token}, e.g. {@code github}
 * @param token the provider's OIDC JWT
 * @param agentId the agent to issue a token for (agent-scoped mode), or null for bootstrap mode
 */
public record ExchangeRequest(String provider, String token, UUID agentId) {
    public static final String DEFAULT_PROVIDER = "github";

    public ExchangeRequest {
        if (provider == null || provider.isBlank()) {
            throw new InvalidRequestException("provider must not be blank");
        }
        if (token == null || token.isBlank()) {
            throw new InvalidRequestException("token is required");
        }
    }

    /** A bootstrap exchange: a token with scope {@code agents:write}. */
    public static ExchangeRequest bootstrap(String provider, String token) {
        return new ExchangeRequest(provider, token, null);
    }

    /** An agent-scoped exchange: a token for {@code agentId}. */
    public static ExchangeRequest forAgent(String provider, String token, UUID agentId) {
        return new ExchangeRequest(provider, token, java.util.Objects.requireNonNull(agentId, "agentId"));
    }

    public Optional<UUID> agent() {
        return Optional.ofNullable(agentId);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ExchangeRequest[provider=" + provider + ", agentId=" + agentId + ", token=<redacted>]";
    }
}
