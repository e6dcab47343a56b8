package dev.sentryagent.idp.core.spi;

import java.time.Instant;

/**
 * Remembers which OIDC tokens were exchanged, so each is exchanged at most once. Shared by every
 * server that accepts the same tokens.
 */
public interface ReplayGuard {

    /**
     * Records the use of token {@code jti} of {@code issuer}, atomically: exactly one of any number
     * of concurrent calls with the same issuer and jti returns true, however many servers share
     * the store. The record is kept at least until {@code keepUntil}.
     *
     * @return true on the first use, false on every later one
     */
    boolean firstUse(String issuer, String jti, Instant keepUntil);

    /**
     * True when token {@code jti} of {@code issuer} has been used and its record is still kept.
     * Reads only: an explanation asks this and leaves the token exchangeable.
     */
    boolean wasUsed(String issuer, String jti);
}
