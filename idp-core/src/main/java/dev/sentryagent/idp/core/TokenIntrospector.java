package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.spi.IdpStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an access token of this IdP is still good, for introspection (RFC 7662), revocation
 * (RFC 7009) and the IdP's own routes: one rule for all three. A token is active when it verifies
 * ({@link AccessTokenIssuer#verify}: signature, type, issuer, audience, expiry), is not on
 * the store's revocation list, and its agent (for an agent token) and trust policy still exist;
 * a bootstrap token, also until it has registered its agent. {@link AgentRegistrar} applies the
 * same rule to bootstrap tokens.
 *
 * <p>Thread-safe. Each check costs up to three store reads (revocation, agent or spent bootstrap
 * token, policy).
 */
public final class TokenIntrospector {
    private static final Logger LOG = LoggerFactory.getLogger(TokenIntrospector.class);

    /** Why a bootstrap token that has registered its agent is refused. */
    static final String BOOTSTRAP_SPENT = "The bootstrap token was already used: each bootstrap token registers one agent";
    private final AccessTokenIssuer tokens;
    private final IdpStore store;

    /**
     * An introspector over one issuer and one store.
     *
     * @param tokens verifies signature, type, issuer, audience and expiry
     * @param store where revocations, agents and trust policies are read
     * @throws NullPointerException when either is null
     */
    public TokenIntrospector(AccessTokenIssuer tokens, IdpStore store) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The token's claims when it is active; empty when it is revoked, expired, malformed, not
     * ours, or its agent or policy has been deleted.
     *
     * @param token a compact JWT, as the caller submitted it
     * @return the active token's claims, or empty
     * @throws UnavailableException when the store cannot answer (never "inactive" by mistake)
     */
    public Optional<IntrospectedToken> introspect(String token) {
        try {
            return Optional.of(requireActive(token));
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
    }

    /**
     * The token's claims when it is active.
     *
     * @param token a compact JWT, as the caller submitted it
     * @return the token's claims
     * @throws InvalidTokenException saying why it is not
     * @throws UnavailableException when the store cannot answer
     */
    public IntrospectedToken requireActive(String token) {
        IntrospectedToken claims = verified(token);
        requireActive(claims.jti(), claims.agentId(), claims.policyId());
        return claims;
    }

    /**
     * Checks that a token {@link AccessTokenIssuer#verify} accepted is still active: not revoked,
     * its agent (for an agent token) and trust policy not deleted.
     *
     * @param claims the verified token's claims
     * @throws InvalidTokenException saying why it is not; a token without {@code jti} or
     *     {@code policy_id} never is
     * @throws UnavailableException when the store cannot answer
     */
    public void requireActive(AccessTokenClaims claims) {
        if (claims.jti() == null || claims.policyId() == null) { // not one we issue: no record to check against
            throw new InvalidTokenException(TokenFailure.POLICY_DELETED, policyDeleted(claims.agentId().orElse(null)));
        }
        requireActive(claims.jti(), claims.agentId().orElse(null), claims.policyId());
    }

    private void requireActive(String jti, UUID agentId, UUID policyId) {
        if (store.revocations().isRevoked(jti)) {
            throw new InvalidTokenException(TokenFailure.REVOKED, "The access token has been revoked");
        }
        // A bootstrap token registers one agent: once it has, it is refused everywhere, as spent.
        if (agentId == null && store.replayGuard().wasUsed(tokens.issuer(), jti)) {
            throw new InvalidTokenException(TokenFailure.ALREADY_USED, BOOTSTRAP_SPENT);
        }
        if (agentId != null && store.agents().findById(agentId).isEmpty()) {
            throw new InvalidTokenException(TokenFailure.REVOKED, "The access token's agent has been deleted");
        }
        if (store.trustPolicies().findById(policyId).isEmpty()) {
            throw new InvalidTokenException(TokenFailure.POLICY_DELETED, policyDeleted(agentId));
        }
    }

    private static String policyDeleted(UUID agentId) {
        return agentId == null
                ? "The bootstrap token's trust policy has been deleted: exchange a new OIDC token"
                : "The access token's trust policy has been deleted";
    }

    /**
     * Revokes {@code token} on every server of the store, if it is a token of ours that has not
     * expired; returns its claims then, else empty (there is nothing to revoke: RFC 7009 answers
     * the same either way).
     *
     * @param token a compact JWT, as the caller submitted it
     * @return the revoked token's claims, or empty
     * @throws UnavailableException when the store cannot answer
     */
    public Optional<IntrospectedToken> revoke(String token) {
        IntrospectedToken claims;
        try {
            claims = verified(token);
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
        store.revocations().revoke(claims.jti(), claims.expiresAt().plus(AccessTokenIssuer.CLOCK_MARGIN));
        LOG.info("access token revoked jti={} sub={} client_id={} expires={}", claims.jti(), claims.subject(),
                claims.clientId(), claims.expiresAt());
        return Optional.of(claims);
    }

    /** Signature and times by the issuer's one rule, then every claim, read from the verified token. */
    private IntrospectedToken verified(String token) {
        JwtClaims claims = tokens.verifiedClaims(token);
        try {
            String scope = claims.getStringClaimValue("scope");
            UUID agentId = null;
            if (scope != null && List.of(scope.split(" ")).contains(Scopes.AGENT)) {
                agentId = UUID.fromString(claims.getSubject());
            }
            NumericDate iat = claims.getIssuedAt();
            return new IntrospectedToken(claims.getIssuer(), claims.getSubject(), claims.getAudience(),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    iat == null ? null : Instant.ofEpochSecond(iat.getValue()), claims.getJwtId(), scope,
                    claims.getStringClaimValue("client_id"), agentId,
                    UUID.fromString(claims.getStringClaimValue("policy_id")), claims.getStringClaimValue("provider"),
                    claims.getStringClaimValue("repository"), claims.getStringClaimValue("ref"));
        } catch (MalformedClaimException | IllegalArgumentException | NullPointerException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token's claims are malformed");
        }
    }
}
