package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An active access token of this IdP, as introspection (RFC 7662) describes it.
 *
 * @param issuer {@code iss}
 * @param subject {@code sub}
 * @param audience {@code aud}, one or more values
 * @param expiresAt {@code exp}
 * @param issuedAt {@code iat}
 * @param jti {@code jti}
 * @param scope {@code scope}
 * @param clientId {@code client_id}
 * @param agentId the agent of an agent-scoped token; null for a bootstrap token
 * @param policyId {@code policy_id}: the trust policy that admitted the exchange
 * @param provider the CI provider of the exchanged token
 * @param repository its repository
 * @param ref its ref
 */
public record IntrospectedToken(String issuer, String subject, List<String> audience, Instant expiresAt,
                                Instant issuedAt, String jti, String scope, String clientId, UUID agentId,
                                UUID policyId, String provider, String repository, String ref) {
    /**
     * Copies {@code audience} and checks that the claims every token of this IdP carries are set.
     *
     * @param issuer {@code iss}
     * @param subject {@code sub}
     * @param audience {@code aud}, copied
     * @param expiresAt {@code exp}
     * @param issuedAt {@code iat}
     * @param jti {@code jti}
     * @param scope {@code scope}
     * @param clientId {@code client_id}
     * @param agentId the agent of an agent-scoped token; null for a bootstrap token
     * @param policyId {@code policy_id}
     * @param provider the CI provider of the exchanged token
     * @param repository its repository
     * @param ref its ref
     * @throws NullPointerException naming a missing {@code issuer}, {@code subject}, {@code expiresAt},
     *     {@code jti}, {@code scope} or {@code policyId}
     */
    public IntrospectedToken {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        audience = List.copyOf(audience);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(policyId, "policyId");
    }
}
