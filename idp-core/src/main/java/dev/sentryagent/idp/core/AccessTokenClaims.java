package dev.sentryagent.idp.core;

import java.time.Instant;
import java.util.List;
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
 * @param audiences {@code aud}, as a list whether the token holds a string or an array (empty
 *     when it has none)
 */
public record AccessTokenClaims(String subject, String scope, String clientId, String provider, String repository,
                                String ref, Instant expiresAt, String jti, UUID policyId, List<String> audiences) {
    /**
     * Checks the claims every token of this IdP carries.
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
     * @param audiences {@code aud}, as a list (one entry when the claim is a string)
     * @throws NullPointerException if {@code subject}, {@code scope} or {@code expiresAt} is null
     */
    public AccessTokenClaims {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }

    /**
     * Claims without {@code aud}, as version 2's first cut of this record had them.
     *
     * @param subject {@code sub}: the agent id, or the CI subject of a bootstrap token
     * @param scope {@code scope}
     * @param clientId {@code client_id}
     * @param provider the provider whose token was exchanged
     * @param repository the source repository
     * @param ref the source ref
     * @param expiresAt {@code exp}
     * @param jti {@code jti}, or null when the token has none
     * @param policyId {@code policy_id}, or null
     * @throws NullPointerException if {@code subject}, {@code scope} or {@code expiresAt} is null
     */
    public AccessTokenClaims(String subject, String scope, String clientId, String provider, String repository,
                             String ref, Instant expiresAt, String jti, UUID policyId) {
        this(subject, scope, clientId, provider, repository, ref, expiresAt, jti, policyId, null);
    }

    /**
     * Claims without {@code jti} and {@code policy_id}, as version 1 of this record had them.
     *
     * @param subject {@code sub}: the agent id, or the CI subject of a bootstrap token
     * @param scope {@code scope}
     * @param clientId {@code client_id}
     * @param provider the provider whose token was exchanged
     * @param repository the source repository
     * @param ref the source ref
     * @param expiresAt {@code exp}
     */
    public AccessTokenClaims(String subject, String scope, String clientId, String provider, String repository,
                             String ref, Instant expiresAt) {
        this(subject, scope, clientId, provider, repository, ref, expiresAt, null, null);
    }

    /**
     * {@return true when {@code aud} names {@code audience}, as the string or among the array}
     *
     * @param audience the audience to look for
     */
    public boolean isFor(String audience) {
        return audiences.contains(audience);
    }

    /**
     * {@return true when the token carries {@code wanted} among its space-separated scopes}
     *
     * @param wanted one scope, e.g. {@link Scopes#AGENT}
     */
    public boolean hasScope(String wanted) {
        for (String s : scope.split(" ")) {
            if (s.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** {@return the agent, for an agent-scoped token; empty for a bootstrap token} */
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

    /**
     * {@return who a token stands for, as {@link Agent#createdBy()} records it:
     * {@code github:org/repo@refs/heads/main}}
     */
    public String provenance() {
        return provider + ":" + repository + "@" + ref;
    }
}
