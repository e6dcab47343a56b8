package dev.sentryagent.idp.core.spi;

import java.time.Instant;

/**
 * Remembers which OIDC tokens were exchanged, so each is exchanged at most once. Shared by every
 * server that accepts the same tokens.
 *
 * <p>{@link dev.sentryagent.idp.core.TokenExchanger} calls the methods that also take the token's
 * own {@code exp}: {@link #firstUse(String, String, Instant, Instant)} and
 * {@link #wasUsed(String, String, Instant)}. The {@code exp} is signed, so one token always
 * yields the same (exp, issuer, jti): a store may key its records by it, and one keyed by exp
 * first appends in roughly arrival order instead of writing to a random place of an index keyed
 * by the random jti. By default they delegate to the methods without it, so a guard keyed by
 * (issuer, jti) alone implements only those. Call one pair or the other for a given token, never
 * both: a store keyed by exp cannot find a record made without it.
 */
public interface ReplayGuard {

    /**
     * Records the use of token {@code jti} of {@code issuer}, atomically: exactly one of any number
     * of concurrent calls with the same issuer and jti returns true, however many servers share
     * the store. The record is kept at least until {@code keepUntil}.
     *
     * @param issuer the token's {@code iss}
     * @param jti the token's {@code jti}
     * @param keepUntil the earliest instant the record may be forgotten
     * @return true on the first use, false on every later one
     */
    boolean firstUse(String issuer, String jti, Instant keepUntil);

    /**
     * Records the use of the token {@code jti} of {@code issuer} that expires at
     * {@code tokenExpiresAt}, atomically: exactly one of any number of concurrent calls with the
     * same issuer, jti and expiry returns true, however many servers share the store, and
     * whatever {@code keepUntil} each passes (servers may be configured with different clock
     * skews). The record is kept at least until {@code keepUntil}. What the exchanger calls. The
     * default delegates to {@link #firstUse(String, String, Instant)}, ignoring {@code tokenExpiresAt}.
     *
     * @param issuer the token's {@code iss}
     * @param jti the token's {@code jti}
     * @param tokenExpiresAt the token's signed {@code exp}; part of the record's identity, never
     *     a configured value
     * @param keepUntil the earliest instant the record may be forgotten: the token's exp plus the
     *     provider's clock skew
     * @return true on the first use, false on every later one
     */
    default boolean firstUse(String issuer, String jti, Instant tokenExpiresAt, Instant keepUntil) {
        return firstUse(issuer, jti, keepUntil);
    }

    /**
     * True when token {@code jti} of {@code issuer} has been used and its record is still kept.
     * Reads only: an explanation asks this and leaves the token exchangeable.
     *
     * @param issuer the token's {@code iss}
     * @param jti the token's {@code jti}
     * @return true when a record of its use is still kept
     */
    boolean wasUsed(String issuer, String jti);

    /**
     * True when the token {@code jti} of {@code issuer} that expires at {@code tokenExpiresAt}
     * has been used and its record is still kept. Reads only: the exchanger's explanation asks
     * this and leaves the token exchangeable. The default delegates to
     * {@link #wasUsed(String, String)}, ignoring {@code tokenExpiresAt}.
     *
     * @param issuer the token's {@code iss}
     * @param jti the token's {@code jti}
     * @param tokenExpiresAt the token's signed {@code exp}, as given to
     *     {@link #firstUse(String, String, Instant, Instant)}
     * @return true when a record of its use is still kept
     */
    default boolean wasUsed(String issuer, String jti, Instant tokenExpiresAt) {
        return wasUsed(issuer, jti);
    }
}
