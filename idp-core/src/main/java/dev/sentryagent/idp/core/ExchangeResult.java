package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A successful exchange.
 *
 * @param accessToken our signed access token (RFC 9068 JWT)
 * @param expiresAt when it expires
 * @param expiresIn its lifetime in seconds
 * @param scope {@link Scopes#AGENTS_WRITE} or {@link Scopes#AGENT}
 * @param agentId the agent, in agent-scoped mode; null in bootstrap mode
 * @param policyId the trust policy that admitted the exchange
 */
public record ExchangeResult(String accessToken, Instant expiresAt, long expiresIn, String scope, UUID agentId,
                             UUID policyId, String jti) {
    /** The {@code token_type} of every issued token. */
    public static final String TOKEN_TYPE = "Bearer";
    /** The {@code issued_token_type} of every issued token (RFC 8693). */
    public static final String ISSUED_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    /**
     * Checks the fields every exchange sets.
     *
     * @param accessToken our signed access token (RFC 9068 JWT)
     * @param expiresAt when it expires
     * @param expiresIn its lifetime in seconds
     * @param scope {@link Scopes#AGENTS_WRITE} or {@link Scopes#AGENT}
     * @param agentId the agent, in agent-scoped mode; null in bootstrap mode
     * @param policyId the trust policy that admitted the exchange
     * @param jti the access token's {@code jti}, so that listeners (the audit trail) need not parse the
     *     token again; null when the issuer did not say
     * @throws NullPointerException if {@code accessToken}, {@code expiresAt}, {@code scope} or
     *     {@code policyId} is null
     */
    public ExchangeResult {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(policyId, "policyId");
    }

    /**
     * A result without the access token's {@code jti}: the constructor of earlier versions, kept for callers that build results themselves.
     *
     * @param accessToken our signed access token (RFC 9068 JWT)
     * @param expiresAt when it expires
     * @param expiresIn its lifetime in seconds
     * @param scope {@link Scopes#AGENTS_WRITE} or {@link Scopes#AGENT}
     * @param agentId the agent, in agent-scoped mode; null in bootstrap mode
     * @param policyId the trust policy that admitted the exchange
     */
    public ExchangeResult(String accessToken, Instant expiresAt, long expiresIn, String scope, UUID agentId,
                          UUID policyId) {
        this(accessToken, expiresAt, expiresIn, scope, agentId, policyId, null);
    }

    /** {@return the agent, in agent-scoped mode; empty in bootstrap mode} */
    public Optional<UUID> agent() {
        return Optional.ofNullable(agentId);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ExchangeResult[scope=" + scope + ", agentId=" + agentId + ", expiresAt=" + expiresAt
                + ", policyId=" + policyId + ", accessToken=<redacted>]";
    }
}
