package dev.sentryagent.idp.core;

/**
 * Which check an incoming OIDC token (or one of our own access tokens) failed: the detail of
 * {@link ErrorCode#INVALID_TOKEN}, carried by {@link InvalidTokenException#failure()}.
 */
public enum TokenFailure {
    /** Not a compact JWS with a JSON header and claims. */
    MALFORMED("malformed"),
    /** Larger than the accepted size. */
    TOO_LARGE("too_large"),
    /** The {@code alg} header is not the one pinned for the provider ({@code none} and HMAC included). */
    ALGORITHM("algorithm"),
    /** No {@code kid} header. */
    MISSING_KID("missing_kid"),
    /** A {@code jku}, {@code x5u}, {@code jwk} or {@code crit} header, which is never followed. */
    FORBIDDEN_HEADER("forbidden_header"),
    /** The {@code kid} names no key of the provider's key set. */
    UNKNOWN_KEY("unknown_key"),
    /** The signature does not verify with the named key. */
    SIGNATURE("signature"),
    /** {@code iss} is not exactly the configured issuer. */
    ISSUER("issuer"),
    /** {@code aud} is not exactly the configured audience. */
    AUDIENCE("audience"),
    /** {@code exp} has passed (beyond the allowed skew). */
    EXPIRED("expired"),
    /** {@code nbf} is still ahead (beyond the allowed skew). */
    NOT_YET_VALID("not_yet_valid"),
    /** {@code iat} is in the future (beyond the allowed skew). */
    ISSUED_IN_FUTURE("issued_in_future"),
    /** A claim the exchange needs is absent or empty. */
    MISSING_CLAIM("missing_claim"),
    /** A claim is present but of the wrong JSON type, or its value is out of range. */
    INVALID_CLAIM("invalid_claim"),
    /** The token's {@code jti} was exchanged before. */
    REPLAY("replay"),
    /** A single-use token of this IdP (a bootstrap token) presented a second time. */
    ALREADY_USED("already_used"),
    /** The trust policy that admitted the token has been deleted since. */
    POLICY_DELETED("policy_deleted"),
    /** An access token of ours was revoked, or its agent deleted, since it was issued. */
    REVOKED("revoked");

    private final String code;

    TokenFailure(String code) {
        this.code = code;
    }

    /** {@return a stable lower-case name for logs and metrics, e.g. {@code policy_deleted}} */
    public String code() {
        return code;
    }
}
