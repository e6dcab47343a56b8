package dev.sentryagent.idp.core.spi;

import java.time.Instant;

/**
 * The access tokens of this IdP that were revoked before they expired (RFC 7009), by {@code jti}.
 * Shared by every server on one store: a token revoked on one is revoked on all. Implementations
 * must be thread-safe.
 */
public interface RevocationList {

    /**
     * Revokes token {@code jti}, kept at least until {@code expiresAt}, after which the token is
     * refused as expired anyway. Revoking twice is not an error.
     *
     * @param jti the access token's {@code jti}
     * @param expiresAt the earliest instant the record may be purged: the IdP passes the token's
     *     {@code exp} plus a margin for the clocks of the servers sharing the store
     */
    void revoke(String jti, Instant expiresAt);

    /**
     * Whether a token was revoked.
     *
     * @param jti the access token's {@code jti}
     * @return true when {@code jti} was revoked and its record not yet purged
     */
    boolean isRevoked(String jti);

    /**
     * Deletes records that are no longer needed, in batches so that one call stays short.
     *
     * @param now records whose token expired before this instant go
     * @param max the most records to delete in this call
     * @return how many were deleted
     */
    int purgeExpired(Instant now, int max);
}
