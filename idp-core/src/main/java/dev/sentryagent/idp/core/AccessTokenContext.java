package dev.sentryagent.idp.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What an {@link AccessTokenIssuer} needs to issue one access token: who was verified, what
 * admitted them, and the token's shape. The exchanger builds it; it never sees a claim name or a key.
 *
 * @param identity the verified identity of the exchanged OIDC token
 * @param agentId the agent the token is for, or null for a bootstrap token
 * @param policyId the trust policy that admitted the exchange
 * @param audiences the token's {@code aud} (a string when one, an array when several), or null for
 *     the issuer's default audience
 * @param tokenTtl the token's lifetime (1 minute to {@link AccessTokenIssuer#MAX_TTL}), or null for
 *     the issuer's default lifetime
 */
public record AccessTokenContext(WorkloadIdentity identity, UUID agentId, UUID policyId, List<String> audiences,
                                 Duration tokenTtl) {
    /**
     * Checks the fields every issued token needs.
     *
     * @param identity the verified identity of the exchanged OIDC token
     * @param agentId the agent the token is for, or null for a bootstrap token
     * @param policyId the trust policy that admitted the exchange
     * @param audiences the token's {@code aud}, or null for the issuer's default audience
     * @param tokenTtl the token's lifetime, or null for the issuer's default lifetime
     * @throws NullPointerException if {@code identity} or {@code policyId} is null
     * @throws IllegalArgumentException if {@code audiences} is empty or {@code tokenTtl} out of range
     */
    public AccessTokenContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(policyId, "policyId");
        audiences = audiences == null ? null : List.copyOf(audiences);
        if (audiences != null && audiences.isEmpty()) {
            throw new IllegalArgumentException("audiences must be null or hold at least one audience");
        }
        if (tokenTtl != null && (tokenTtl.compareTo(TrustPolicy.MIN_TOKEN_TTL) < 0
                || tokenTtl.compareTo(AccessTokenIssuer.MAX_TTL) > 0)) {
            throw new IllegalArgumentException("tokenTtl must be between PT1M and PT1H, got " + tokenTtl);
        }
    }

    /**
     * A token of the issuer's default audience and lifetime, as version 1 issued every token.
     *
     * @param identity the verified identity of the exchanged OIDC token
     * @param agentId the agent the token is for, or null for a bootstrap token
     * @param policyId the trust policy that admitted the exchange
     * @throws NullPointerException if {@code identity} or {@code policyId} is null
     */
    public AccessTokenContext(WorkloadIdentity identity, UUID agentId, UUID policyId) {
        this(identity, agentId, policyId, null, null);
    }

    /**
     * The contract's shaping of the token {@code policy} admitted: {@code aud} is exactly the
     * requested audience, or without one the policy's {@code audiences} (without those, the
     * issuer's default); the lifetime is the policy's {@code tokenTtl}, else the issuer's default.
     *
     * @param identity the verified identity of the exchanged OIDC token
     * @param agentId the agent the token is for, or null for a bootstrap token
     * @param policy the trust policy that admitted the exchange
     * @param requestedAudience the audience the request named, already admitted, or null
     * @return the context to hand to {@link AccessTokenIssuer#issue(AccessTokenContext)}
     * @throws IllegalArgumentException if the policy's {@code tokenTtl} is out of range
     */
    public static AccessTokenContext shaped(WorkloadIdentity identity, UUID agentId, TrustPolicy policy,
                                            String requestedAudience) {
        return new AccessTokenContext(identity, agentId, policy.id(),
                requestedAudience != null ? List.of(requestedAudience) : policy.audiences(), policy.tokenTtl());
    }
}
