package dev.sentryagent.idp.core.spi;

import java.time.Instant;

/**
 * The access tokens of this IdP that were revoked before they expired (RFC 7009), by {@code jti}.
 * Shared by every server on one store: a token revoked on one is revoked on all. Implementations
 * must be thread-safe.
 */
public interface RevocationList {

    /**
     * Revokes token {@code jti}, kept at least until {@code expiresAt} (the token's {@code exp}),
     * after which the token is refused as expired anyway. Revoking twice is not an error.
     */
    void revoke(String jti, Instant expiresAt);

    /** True when {@code jti} was revoked and its record not yet purged. */
    boolean isRevoked(String jti);

    /** Deletes at most {@code max} records whose token expired before {@code now}; returns how many. */
    int purgeExpired(Instant now, int max);
}
