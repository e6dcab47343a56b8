package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.core.internal.JwksCache;
import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.spi.OidcProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;

/**
 * Verifies GitHub Actions OIDC tokens: from github.com, an enterprise's own issuer
 * ({@code https://token.actions.githubusercontent.com/<enterprise>}) or GitHub Enterprise Server
 * ({@code https://HOST/_services/token}).
 *
 * <p>RS256 only; {@code kid} required; {@code jku}, {@code x5u}, {@code jwk} and {@code crit}
 * headers refused, never followed; {@code iss} and the single {@code aud} compared exactly;
 * {@code exp}, {@code nbf} and {@code iat} within the clock skew, and between 0 and the year 9999;
 * a {@code jti} of at most 256 characters; strictly the canonical base64url of UTF-8 JSON in
 * every part. Keys come from the issuer's JWKS, discovered from its OpenID configuration unless
 * given, refreshed in the background: a stalled key endpoint never holds up a token whose key is
 * cached. Thread-safe.
 */
public final class GitHubProvider implements OidcProvider {
    /** github.com's issuer. */
    public static final String GITHUB_COM_ISSUER = "https://token.actions.githubusercontent.com";
    private static final String ALGORITHM = AlgorithmIdentifiers.RSA_USING_SHA256;
    private static final List<String> FORBIDDEN_HEADERS = List.of("jku", "x5u", "jwk", "crit");
    private static final JsonWebSignatureAlgorithm RS256 = CompactJws.algorithm(ALGORITHM);
    /**
     * Headers seen on tokens whose signature verified, with their key id: checking a header depends
     * on nothing but its text, and an issuer uses a handful (one per signing key), so each is parsed
     * once. Only verified tokens add to it, so nobody else can fill it; it stops growing at this size.
     */
    private static final int MAX_CACHED_HEADERS = 64;
    /** The claims an explanation shows: those the trust policies read, and a few that identify the run. */
    private static final List<String> SHOWN_CLAIMS = List.of("sub", "repository", "repository_id",
            "repository_owner", "repository_owner_id", "ref", "ref_type", "ref_protected", "event_name",
            "environment", "workflow_ref", "job_workflow_ref", "runner_environment", "actor", "sha", "run_id",
            "run_attempt", "jti");
    /** 9999-12-31T23:59:59Z: the last second a numeric date claim may name. */
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;
    /** The longest {@code jti} accepted: the replay store keeps it, GitHub's are UUIDs. */
    private static final int MAX_JTI_LENGTH = 256;

    private final String name;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;
    private final JwksCache keys;
    private final ConcurrentMap<String, String> verifiedHeaders = new ConcurrentHashMap<>();

    private GitHubProvider(Builder b) {
        this.name = b.name;
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.keys = new JwksCache(b.issuer, b.jwksUri, b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(b.httpTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build(), b.httpTimeout, b.jwksCooldown, b.jwksDefaultAge, b.jwksMaxAge, b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String issuer() {
        return issuer;
    }

    /** The exact {@code aud} a token must carry. */
    public String audience() {
        return audience;
    }

    @Override
    public Duration clockSkew() {
        return clockSkew;
    }

    @Override
    public TokenInspection inspect(String token) {
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
        PublicKey key = keys.key(kid).orElseThrow(() -> new InvalidTokenException(TokenFailure.UNKNOWN_KEY,
                "The OIDC token's key id " + Names.quote(kid) + " is not in the signing keys of issuer " + issuer));
        String payload;
        try {
            payload = CompactJws.decodeText(parts.payload());
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's claims are not base64url UTF-8");
        }
        if (!CompactJws.verify(RS256, key, parts)) {
            throw new InvalidTokenException(TokenFailure.SIGNATURE,
                    "The OIDC token's signature does not verify with the issuer's key " + Names.quote(kid));
        }
        if (cachedKid == null && verifiedHeaders.size() < MAX_CACHED_HEADERS) {
            verifiedHeaders.put(parts.header(), kid);
        }
        JwtClaims claims;
        try {
            claims = JwtClaims.parse(payload);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's claims are not a JSON object");
        }
        return inspection(claims);
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
                    + Names.quote(alg == null ? null : alg.toString()) + " is not allowed: tokens of provider " + name
                    + " must be " + ALGORITHM);
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

    private TokenInspection inspection(JwtClaims claims) {
        InvalidTokenException timeFailure = null;
        try {
            String iss = optional(claims, "iss");
            if (!issuer.equals(iss)) {
                throw new InvalidTokenException(TokenFailure.ISSUER, "The OIDC token's issuer " + Names.quote(iss)
                        + " is not the configured issuer \"" + issuer + "\"");
            }
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
            return new TokenInspection(identity(claims, iss, iat, exp), timeFailure);
        } catch (InvalidTokenException e) {
            // A token that is both expired and incomplete reports expiry, as it always did.
            throw timeFailure != null ? timeFailure : e;
        }
    }

    /** GitHub's claims mapped onto the provider-neutral identity the trust policies read. */
    private WorkloadIdentity identity(JwtClaims claims, String iss, Instant iat, Instant exp) {
        String repository = required(claims, "repository");
        String workflowRef = optional(claims, "workflow_ref");
        String refProtected = optional(claims, "ref_protected");
        Map<String, String> shown = new LinkedHashMap<>();
        for (String claim : SHOWN_CLAIMS) {
            String value = optional(claims, claim);
            if (value != null) {
                shown.put(claim, value);
            }
        }
        return new WorkloadIdentity(
                name,
                iss,
                required(claims, "sub"),
                repository,
                number(claims, "repository_id"),
                number(claims, "repository_owner_id"),
                required(claims, "ref"),
                optional(claims, "ref_type"),
                optional(claims, "environment"),
                workflowPath(repository, workflowRef),
                optional(claims, "job_workflow_ref"),
                required(claims, "event_name"),
                refProtected == null ? null : Boolean.valueOf("true".equals(refProtected)),
                optional(claims, "runner_environment"),
                jti(claims),
                iat,
                exp,
                shown);
    }

    /**
     * The caller workflow's path from {@code workflow_ref} ({@code owner/repo/PATH@ref}); null when
     * the claim is absent or names another repository.
     */
    static String workflowPath(String repository, String workflowRef) {
        if (workflowRef == null) {
            return null;
        }
        String prefix = repository + "/";
        int at = workflowRef.indexOf('@', prefix.length());
        if (!workflowRef.regionMatches(true, 0, prefix, 0, prefix.length()) || at <= prefix.length()) {
            return null;
        }
        return workflowRef.substring(prefix.length(), at);
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
            throw new InvalidTokenException(TokenFailure.MISSING_CLAIM, "The OIDC token has no \"" + claim + "\" claim");
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

    private static String jti(JwtClaims claims) {
        String jti = required(claims, "jti");
        if (jti.length() > MAX_JTI_LENGTH) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The OIDC token's \"jti\" claim is longer than "
                    + MAX_JTI_LENGTH + " characters");
        }
        return jti;
    }

    private static String required(JwtClaims claims, String claim) {
        String value = optional(claims, claim);
        if (value == null || value.isEmpty()) {
            throw new InvalidTokenException(TokenFailure.MISSING_CLAIM, "The OIDC token has no \"" + claim + "\" claim");
        }
        return value;
    }

    private static String optional(JwtClaims claims, String claim) {
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

    // GitHub sends numeric ids as strings ("repository_id": "123").
    private static long number(JwtClaims claims, String claim) {
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

    /**
     * Settings of a {@link GitHubProvider}. {@link #audience(String)} is required; the rest have
     * safe defaults. {@link #build()} refuses unsafe values with a message naming the setting.
     */
    public static final class Builder {
        private String name = "github";
        private String issuer = GITHUB_COM_ISSUER;
        private String audience;
        private URI jwksUri;
        private Duration clockSkew = Duration.ofSeconds(60);
        private Duration jwksCooldown = Duration.ofSeconds(30);
        private Duration jwksDefaultAge = Duration.ofMinutes(5);
        private Duration jwksMaxAge = Duration.ofHours(1);
        private Duration httpTimeout = Duration.ofSeconds(5);
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private String jwksUriText;

        private Builder() {
        }

        /** The name requests use; default {@code github}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The exact {@code iss}; default github.com's. https, or http on loopback only. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The exact {@code aud} tokens must carry: required. Use this IdP's own URL. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** The key-set URL, instead of discovering it from the issuer. */
        public Builder jwksUri(String jwksUri) {
            this.jwksUriText = jwksUri;
            return this;
        }

        /** Leeway for {@code exp}, {@code nbf}, {@code iat}: 0 to 5 minutes, default 60 s. */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        /** Least time between two fetches of the key set: 100 ms to 1 h, default 30 s. */
        public Builder jwksCooldown(Duration cooldown) {
            this.jwksCooldown = cooldown;
            return this;
        }

        /** How long keys stay fresh when the response says nothing: default 5 min. */
        public Builder jwksDefaultCacheAge(Duration age) {
            this.jwksDefaultAge = age;
            return this;
        }

        /** The longest keys stay fresh whatever the response says: default 1 h, at most 24 h. */
        public Builder jwksMaxCacheAge(Duration age) {
            this.jwksMaxAge = age;
            return this;
        }

        /**
         * Timeout of the response headers of each key-set request: 100 ms to 60 s, default 5 s.
         * Whatever it is, a whole refresh (discovery, headers and body) ends after 5 s, and a
         * request waits at most that long for one.
         */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = timeout;
            return this;
        }

        /** The HTTP client for key-set requests; default a new one that never follows redirects. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public GitHubProvider build() {
            Names.provider(name);
            Settings.baseUrl("issuer", issuer);
            if (audience == null || audience.isBlank()) {
                throw new IllegalArgumentException("audience is required: the exact aud incoming tokens must carry");
            }
            jwksUri = jwksUriText == null ? null : Settings.secureUrl("jwksUri", jwksUriText);
            Settings.within("clockSkew", clockSkew, Duration.ZERO, OidcProvider.MAX_CLOCK_SKEW);
            Settings.within("jwksCooldown", jwksCooldown, Duration.ofMillis(100), Duration.ofHours(1));
            Settings.within("jwksMaxCacheAge", jwksMaxAge, Duration.ofSeconds(1), Duration.ofHours(24));
            Settings.within("jwksDefaultCacheAge", jwksDefaultAge, Duration.ZERO, jwksMaxAge);
            Settings.within("httpTimeout", httpTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
            Objects.requireNonNull(clock, "clock");
            return new GitHubProvider(this);
        }
    }
}
