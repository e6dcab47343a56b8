package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.InvalidTokenException;
import dev.sentryagent.idp.core.TokenFailure;
import dev.sentryagent.idp.core.TokenInspection;
import dev.sentryagent.idp.core.TokenLimits;
import dev.sentryagent.idp.core.WorkloadIdentity;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * What every provider checks on a CI OIDC token before it reads a claim of its own: the strict
 * compact form, the header (RS256 only, {@code kid} required, {@code jku}, {@code x5u},
 * {@code jwk}, {@code crit} refused), the signature by a key of the issuer's {@link JwksCache},
 * {@code iss} and the single {@code aud} exactly, {@code exp}/{@code nbf}/{@code iat} within the
 * skew and between 0 and the year 9999; and the typed reading of claims, so that every provider
 * words a missing or mistyped claim alike. One home for these rules: GitHub and GitLab differ only
 * in how they map claims onto a {@link WorkloadIdentity}. Thread-safe.
 */
public final class OidcTokenChecks {
    private static final String ALGORITHM = AlgorithmIdentifiers.RSA_USING_SHA256;
    private static final List<String> FORBIDDEN_HEADERS = List.of("jku", "x5u", "jwk", "crit");
    private static final JsonWebSignatureAlgorithm RS256 = CompactJws.algorithm(ALGORITHM);
    /**
     * Headers seen on tokens whose signature verified, with their key id: checking a header depends
     * on nothing but its text, and an issuer uses a handful (one per signing key), so each is parsed
     * once. Only verified tokens add to it, so nobody else can fill it; it stops growing at this size.
     */
    private static final int MAX_CACHED_HEADERS = 64;
    /** 9999-12-31T23:59:59Z: the last second a numeric date claim may name. */
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;
    /** The longest {@code jti} accepted: the replay store keeps it; the platforms' are UUIDs. */
    private static final int MAX_JTI_LENGTH = 256;

    private final String provider;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;
    private final JwksCache keys;
    private final ConcurrentMap<String, String> verifiedHeaders = new ConcurrentHashMap<>();

    /** How a provider maps the claims of a token that passed every check here onto an identity. */
    @FunctionalInterface
    public interface IdentityMapper {
        /**
         * @param claims the verified claims
         * @param issuedAt {@code iat}
         * @param expiresAt {@code exp}
         * @return the identity; throws {@link InvalidTokenException} for a missing or bad claim
         */
        WorkloadIdentity identity(JwtClaims claims, Instant issuedAt, Instant expiresAt);
    }

    /**
     * @param provider the provider's name, for messages
     * @param issuer the exact {@code iss}
     * @param audience the exact {@code aud}
     * @param clockSkew leeway of the time checks
     * @param clock the time
     * @param keys the issuer's keys
     */
    public OidcTokenChecks(String provider, String issuer, String audience, Duration clockSkew, Clock clock,
                           JwksCache keys) {
        this.provider = provider;
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.keys = keys;
    }

    /**
     * Runs every check on {@code token} and maps its claims with {@code mapper}; a failure of the
     * time checks is returned with the identity, any other failure is thrown (a token both expired
     * and incomplete reports its expiry).
     */
    public TokenInspection inspect(String token, IdentityMapper mapper) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token is empty");
        }
        if (TokenLimits.tooLong(token)) {
            throw new InvalidTokenException(TokenFailure.TOO_LARGE,
                    "The OIDC token is larger than " + TokenLimits.MAX_TOKEN_LENGTH + " characters");
        }
        CompactJws.Parts parts = CompactJws.Parts.split(token);
        if (parts == null) {
            throw new InvalidTokenException(TokenFailure.MALFORMED,
                    "The OIDC token is not a signed JWT (three base64url parts separated by dots)");
        }
        String cachedKid = verifiedHeaders.get(parts.header());
        String kid = cachedKid != null ? cachedKid : checkHeader(parts.header());
        String payload;
        try {
            payload = CompactJws.decodeText(parts.payload());
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's claims are not base64url UTF-8");
        }
        JwtClaims claims;
        try {
            claims = ClaimsJson.parse(payload);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's claims are not a JSON object");
        }
        // Before the key lookup: a token of another issuer (another provider's, sent under this name)
        // says so, and never makes this issuer's keys be fetched again for a key id it cannot have.
        String iss = optional(claims, "iss");
        if (!issuer.equals(iss)) {
            throw new InvalidTokenException(TokenFailure.ISSUER, "The OIDC token's issuer " + Names.quote(iss)
                    + " is not the configured issuer \"" + issuer + "\"");
        }
        PublicKey key = keys.key(kid).orElseThrow(() -> new InvalidTokenException(TokenFailure.UNKNOWN_KEY,
                "The OIDC token's key id " + Names.quote(kid) + " is not in the signing keys of issuer " + issuer));
        if (!CompactJws.verify(RS256, key, parts)) {
            throw new InvalidTokenException(TokenFailure.SIGNATURE,
                    "The OIDC token's signature does not verify with the issuer's key " + Names.quote(kid));
        }
        if (cachedKid == null && verifiedHeaders.size() < MAX_CACHED_HEADERS) {
            verifiedHeaders.put(parts.header(), kid);
        }
        return inspection(claims, mapper);
    }

    /** Checks an encoded JWS header (algorithm, refused headers, key id) and returns its key id. */
    private String checkHeader(String encoded) {
        Map<String, Object> header;
        try {
            header = JsonUtil.parseJson(CompactJws.decodeText(encoded));
        } catch (JoseException | RuntimeException e) {
            header = null;
        }
        if (header == null) {
            throw new InvalidTokenException(TokenFailure.MALFORMED,
                    "The OIDC token is not a signed JWT: its header is not base64url JSON");
        }
        Object alg = header.get("alg");
        if (!ALGORITHM.equals(alg)) {
            throw new InvalidTokenException(TokenFailure.ALGORITHM, "The OIDC token's algorithm "
                    + Names.quote(alg == null ? null : alg.toString()) + " is not allowed: tokens of provider "
                    + provider + " must be " + ALGORITHM);
        }
        for (String refused : FORBIDDEN_HEADERS) {
            if (header.containsKey(refused)) {
                throw new InvalidTokenException(TokenFailure.FORBIDDEN_HEADER,
                        "The OIDC token carries a \"" + refused + "\" header, which is refused");
            }
        }
        if (!(header.get("kid") instanceof String kid) || kid.isBlank()) {
            throw new InvalidTokenException(TokenFailure.MISSING_KID, "The OIDC token has no \"kid\" header");
        }
        return kid;
    }

    private TokenInspection inspection(JwtClaims claims, IdentityMapper mapper) {
        InvalidTokenException timeFailure = null;
        try {
            List<String> aud = audience(claims);
            if (aud.size() != 1 || !audience.equals(aud.get(0))) {
                throw new InvalidTokenException(TokenFailure.AUDIENCE, "The OIDC token's audience "
                        + Names.quote(String.join(",", aud)) + " is not exactly \"" + audience + "\"");
            }
            Instant now = clock.instant();
            Instant exp = time(claims, "exp");
            Instant iat = time(claims, "iat");
            Instant nbf = claims.hasClaim("nbf") ? time(claims, "nbf") : null;
            if (now.isAfter(exp.plus(clockSkew))) {
                timeFailure = new InvalidTokenException(TokenFailure.EXPIRED, "The OIDC token expired at " + exp);
            } else if (nbf != null && now.plus(clockSkew).isBefore(nbf)) {
                timeFailure = new InvalidTokenException(TokenFailure.NOT_YET_VALID,
                        "The OIDC token is not valid before " + nbf);
            } else if (iat.isAfter(now.plus(clockSkew))) {
                timeFailure = new InvalidTokenException(TokenFailure.ISSUED_IN_FUTURE,
                        "The OIDC token was issued in the future, at " + iat);
            }
            return new TokenInspection(mapper.identity(claims, iat, exp), timeFailure);
        } catch (InvalidTokenException e) {
            // A token that is both expired and incomplete reports expiry, as it always did.
            throw timeFailure != null ? timeFailure : e;
        }
    }

    /** {@code aud}: one string, or an array of strings. */
    private static List<String> audience(JwtClaims claims) {
        Object value = claims.getClaimValue("aud");
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw wrongType("aud", "a string or an array of strings");
    }

    /** A NumericDate claim: seconds since the epoch, a JSON number. */
    private static Instant time(JwtClaims claims, String claim) {
        Object value = claims.getClaimValue(claim);
        if (value == null) {
            throw missing(claim);
        }
        if (!(value instanceof Number n)) {
            throw wrongType(claim, "a number");
        }
        // Stores and date arithmetic overflow far beyond any real token: refuse it here, as a 401.
        double seconds = n.doubleValue();
        if (!(seconds >= 0 && seconds <= MAX_NUMERIC_DATE)) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's \"" + claim
                    + "\" claim is out of range (0 to the year 9999)");
        }
        return Instant.ofEpochSecond(n.longValue());
    }

    private static InvalidTokenException wrongType(String claim, String expected) {
        return new InvalidTokenException(TokenFailure.INVALID_CLAIM, "The OIDC token's \"" + claim
                + "\" claim has the wrong type: it must be " + expected);
    }

    private static InvalidTokenException missing(String claim) {
        return new InvalidTokenException(TokenFailure.MISSING_CLAIM, "The OIDC token has no \"" + claim + "\" claim");
    }

    /** {@code jti}, required, at most 256 characters. */
    public static String jti(JwtClaims claims) {
        String jti = required(claims, "jti");
        if (jti.length() > MAX_JTI_LENGTH) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's \"jti\" claim is longer than "
                    + MAX_JTI_LENGTH + " characters");
        }
        return jti;
    }

    /** A string claim that must be present and non-empty. */
    public static String required(JwtClaims claims, String claim) {
        String value = optional(claims, claim);
        if (value == null || value.isEmpty()) {
            throw missing(claim);
        }
        return value;
    }

    /** A string claim (a number is read as its text), or null when absent or JSON null. */
    public static String optional(JwtClaims claims, String claim) {
        Object value = claims.getClaimValue(claim);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        throw wrongType(claim, "a string");
    }

    /** A positive numeric id, sent as a string ({@code "123"}) as GitHub and GitLab do; required. */
    public static long number(JwtClaims claims, String claim) {
        String value = required(claims, claim);
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidTokenException(TokenFailure.INVALID_CLAIM, "The OIDC token's \"" + claim
                + "\" claim is not a positive number");
    }

    /** A {@code "true"}/{@code "false"} claim as a Boolean, null when absent. */
    public static Boolean flag(JwtClaims claims, String claim) {
        String value = optional(claims, claim);
        return value == null ? null : Boolean.valueOf("true".equals(value));
    }

    /** The values of {@code names} the token has, for explanations, in that order. */
    public static Map<String, String> shown(JwtClaims claims, List<String> names) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (String claim : names) {
            String value = optional(claims, claim);
            if (value != null) {
                shown.put(claim, value);
            }
        }
        return shown;
    }
}
