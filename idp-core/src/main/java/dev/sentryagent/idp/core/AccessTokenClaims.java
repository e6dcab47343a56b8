package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The verified claims of an access token this IdP issued.
 *
 * @param subject {@code sub}: the agent id, or the CI subject of a bootstrap token
 * @param scope {@code scope}
 * @param clientId {@code client_id}
 * @param provider the provider whose token was exchanged
 * @param repository the source repository
 * @param ref the source ref
 * @param expiresAt {@code exp}
 * @param jti {@code jti}, or null when the token has none
 * @param policyId {@code policy_id}: the trust policy that admitted the exchange, or null
 */
public record AccessTokenClaims(String subject, String scope, String clientId, String provider, String repository,
                                String ref, Instant expiresAt, String jti, UUID policyId) {
    public AccessTokenClaims {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Claims without {@code jti} and {@code policy_id}, as version 1 of this record had them. */
    public AccessTokenClaims(String subject, String scope, String clientId, String provider, String repository,
                             String ref, Instant expiresAt) {
        this(subject, scope, clientId, provider, repository, ref, expiresAt, null, null);
    }

    /** True when the token carries {@code scope} among its space-separated scopes. */
    public boolean hasScope(String wanted) {
        for (String s : scope.split(" ")) {
            if (s.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The agent, for an agent-scoped token. */
    public Optional<UUID> agentId() {
        if (!hasScope(Scopes.AGENT)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(subject));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Who a token stands for, as {@link Agent#createdBy()} records it: {@code github:org/repo@refs/heads/main}. */
    public String provenance() {
        return provider + ":" + repository + "@" + ref;
    }
}
