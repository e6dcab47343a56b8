package dev.sentryagent.idp.core;

import java.util.Objects;
import java.util.UUID;

/**
 * What an {@link AccessTokenIssuer} needs to issue one access token: who was verified and what
 * admitted them. The exchanger builds it; it never sees a claim name or a key.
 *
 * @param identity the verified identity of the exchanged OIDC token
 * @param agentId the agent the token is for, or null for a bootstrap token
 * @param policyId the trust policy that admitted the exchange
 */
public record AccessTokenContext(WorkloadIdentity identity, UUID agentId, UUID policyId) {
    public AccessTokenContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(policyId, "policyId");
    }
}
