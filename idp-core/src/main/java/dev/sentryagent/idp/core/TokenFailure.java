package dev.sentryagent.idp.core;

/** Which check an incoming OIDC token (or one of our own access tokens) failed. */
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
    /** A claim the exchange needs is absent or of the wrong type. */
    MISSING_CLAIM("missing_claim"),
    /** The token's {@code jti} was exchanged before. */
    REPLAY("replay"),
    /** An access token lacks the scope the operation needs. */
    SCOPE("scope"),
    /** An access token of ours was revoked, or its agent or trust policy deleted, since it was issued. */
    REVOKED("revoked");

    private final String code;

    TokenFailure(String code) {
        this.code = code;
    }

    /** A stable lower-case name for logs and metrics. */
    public String code() {
        return code;
    }
}
