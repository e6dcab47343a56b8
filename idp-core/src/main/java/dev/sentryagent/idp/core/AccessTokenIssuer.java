package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.core.internal.SigningKeyRing;
import dev.sentryagent.idp.core.spi.OidcProvider;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/**
 * This IdP's access tokens: it issues them (the RFC 9068 claim layout, signed by the current key
 * of the store's key ring), verifies them, publishes the keys that verify them, and rotates those
 * keys. The {@link TokenExchanger} calls {@link #issue(AccessTokenContext)} and never sees a claim
 * name or a key (Spring Authorization Server's {@code OAuth2TokenGenerator} shape).
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and share it. Every server that
 * shares a {@link SigningKeyStore} signs with keys every other server publishes.
 */
public final class AccessTokenIssuer {
    /** The JWT {@code typ} of the tokens this IdP issues (RFC 9068). */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    /** The longest lifetime of an access token. */
    public static final Duration MAX_TTL = Duration.ofHours(1);
    /**
     * How long beyond its {@code exp} the store keeps what refuses one of our tokens (its
     * revocation, a spent bootstrap token): our tokens get no leeway at their {@code exp}, so only
     * the clocks of the servers on one store may disagree, by less than this.
     */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

    private final SigningKeyRing keys;
    private final String issuer;
    private final String audience;
    private final Duration tokenTtl;
    private final Clock clock;

    private AccessTokenIssuer(Builder b) {
        this.issuer = b.issuer;
        this.audience = b.audience == null ? b.issuer : b.audience;
        this.tokenTtl = b.tokenTtl;
        this.clock = b.clock;
        // A replaced key stays published as long as a token it signed can be valid.
        this.keys = new SigningKeyRing(b.signingKeys, b.signingAlgorithm, ACCESS_TOKEN_TYPE,
                MAX_TTL.plus(OidcProvider.MAX_CLOCK_SKEW), b.keyRotation, b.keyRefresh, b.clock);
    }

    /** {@return a builder; {@link Builder#issuer(String)} and {@link Builder#signingKeys(SigningKeyStore)} are required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Issues a signed access token for {@code context}: subject the agent (or, for a bootstrap
     * token, the CI subject), scope {@link Scopes#AGENT} (or {@link Scopes#AGENTS_WRITE}), the
     * exchanged identity as {@code act}, and the admitting policy; {@code aud} and lifetime as the
     * context shapes them, else this issuer's defaults.
     *
     * @param context who was verified, what admitted them, and the token's shape
     * @return the signed token with its expiry, lifetime, scope, agent and policy
     * @throws SigningFailedException when the current key cannot sign
     * @throws UnavailableException when the key store cannot be reached
     */
    public ExchangeResult issue(AccessTokenContext context) {
        SigningKeyRing.LoadedKey key = keys.current();
        WorkloadIdentity identity = context.identity();
        Instant now = clock.instant();
        Duration ttl = context.tokenTtl() == null ? tokenTtl : context.tokenTtl();
        Instant expiresAt = now.plus(ttl);
        String scope = context.agentId() == null ? Scopes.AGENTS_WRITE : Scopes.AGENT;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(context.agentId() == null ? identity.subject() : context.agentId().toString());
        if (context.audiences() == null) {
            claims.setAudience(audience);
        } else if (context.audiences().size() == 1) {
            claims.setAudience(context.audiences().get(0)); // RFC 7519: a single audience may be a string
        } else {
            claims.setAudience(context.audiences());
        }
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        String jti = newJti();
        claims.setJwtId(jti);
        claims.setClaim("scope", scope);
        claims.setClaim("client_id", identity.provider() + ":" + identity.repository());
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("iss", identity.issuer());
        act.put("sub", identity.subject());
        claims.setClaim("act", act);
        claims.setClaim("provider", identity.provider());
        claims.setClaim("repository", identity.repository());
        claims.setClaim("repository_id", identity.repositoryId());
        claims.setClaim("ref", identity.ref());
        claims.setClaim("policy_id", context.policyId().toString());

        String token;
        try {
            token = CompactJws.sign(key.jws(), key.privateKey(), key.encodedHeader(), claims.toJson());
        } catch (JoseException e) {
            throw new SigningFailedException("Signing the access token failed", e);
        }
        return new ExchangeResult(token, Instant.ofEpochSecond(expiresAt.getEpochSecond()),
                ttl.toSeconds(), scope, context.agentId(), context.policyId(), jti);
    }

    /**
     * 128 random bits. Each thread has its own DRBG: {@code UUID.randomUUID()} shares one
     * synchronized NativePRNG, which showed up as lock contention under load.
     */
    private static String newJti() {
        byte[] bytes = new byte[16];
        JTI_RANDOM.get().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static final ThreadLocal<SecureRandom> JTI_RANDOM = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    });

    /**
     * Verifies an access token this IdP issued (signature by a published key, {@code typ},
     * issuer, expiry), whatever resource server its {@code aud} names, and returns its claims.
     * A route of this IdP that accepts access tokens uses {@link #verifyForThisIdp} instead.
     * Checks neither revocation nor deleted agents or policies: {@link TokenIntrospector} does.
     *
     * @param token a compact JWT, as the caller submitted it
     * @return its verified claims
     * @throws InvalidTokenException when it is not a valid token of ours
     */
    public AccessTokenClaims verify(String token) {
        JwtClaims claims = verifiedClaims(token);
        try {
            String scope = claims.getStringClaimValue("scope");
            if (scope == null) {
                throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token's claims are malformed");
            }
            // The consumer required sub and exp.
            return new AccessTokenClaims(claims.getSubject(), scope, claims.getStringClaimValue("client_id"),
                    claims.getStringClaimValue("provider"), claims.getStringClaimValue("repository"),
                    claims.getStringClaimValue("ref"), Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    claims.getJwtId(), policyId(claims.getStringClaimValue("policy_id")), claims.getAudience());
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token's claims are malformed");
        }
    }

    /**
     * The checks of {@link #verify} before any claim is read into {@link AccessTokenClaims}
     * (signature by a published key, {@code typ}, issuer, expiry, {@code sub} and {@code jti}
     * present), returning the claims as verified: {@link TokenIntrospector} reads those that
     * {@link AccessTokenClaims} does not carry from them instead of parsing the token again.
     */
    JwtClaims verifiedClaims(String token) {
        if (token == null || token.isBlank() || TokenLimits.tooLong(token)) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token is missing or malformed");
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(issuer)
                // Tokens shaped for a policy's audiences are ours too; verifyForThisIdp checks aud.
                .setSkipDefaultAudienceValidation()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setRequireJwtId()
                // None: we set exp, so a token is expired at its exp on every route and in
                // introspection alike, and a revocation kept past exp covers all of its life.
                .setAllowedClockSkewInSeconds(0)
                .setEvaluationTime(NumericDate.fromSeconds(clock.instant().getEpochSecond()))
                .setExpectedType(true, ACCESS_TOKEN_TYPE)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        "ES256", "ES384", "RS256", "EdDSA"))
                .setVerificationKeyResolver(keys.verificationKeyResolver())
                .build();
        try {
            return consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) {
                throw new InvalidTokenException(TokenFailure.EXPIRED, "The access token has expired");
            }
            throw new InvalidTokenException(TokenFailure.SIGNATURE,
                    "The access token was not issued by this IdP or is malformed");
        }
    }

    /**
     * Verifies an access token this IdP issued for this IdP itself: {@link #verify}, and its
     * {@code aud} names this IdP ({@link #isOwnAudience}). A token shaped for another resource
     * server (a trust policy's {@code audiences}, or a requested audience) is good there and
     * nowhere else, so this IdP's own routes refuse it.
     *
     * @param token a compact JWT, as the caller submitted it
     * @return its verified claims
     * @throws InvalidTokenException when it is not a valid token of ours, or is for another audience
     */
    public AccessTokenClaims verifyForThisIdp(String token) {
        AccessTokenClaims claims = verify(token);
        if (claims.audiences().stream().noneMatch(this::isOwnAudience)) {
            throw new InvalidTokenException(TokenFailure.AUDIENCE, "The access token is for another audience, not "
                    + "this IdP: exchange the OIDC token with audience " + issuer + " for a token this IdP accepts");
        }
        return claims;
    }

    /**
     * True when {@code audience} names this IdP: its issuer, or the default audience it was
     * configured with. A request may always ask for it; only other audiences need a trust policy
     * listing them.
     *
     * @param audience an audience a request names
     * @return whether it is this IdP's own
     */
    public boolean isOwnAudience(String audience) {
        return issuer.equals(audience) || this.audience.equals(audience);
    }

    private static UUID policyId(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token's claims are malformed");
        }
    }

    /** {@return the JWKS document of the keys this IdP signs with: the current one and previous ones tokens may still carry} */
    public String jwksJson() {
        return keys.jwksJson();
    }

    /** {@return the published keys as a jose4j key set, e.g. for a resource server in the same JVM} */
    public JsonWebKeySet jwks() {
        return new JsonWebKeySet(keys.publishedJwks());
    }

    /**
     * Adds a new signing key, which signs on this server from now on and on the others sharing
     * the store once they reload (within the key refresh); the previous key stays published until
     * every token it signed has expired, then is deleted.
     *
     * @return the new key, active
     * @throws UnavailableException when the key store cannot be reached
     */
    public SigningKeyInfo rotateSigningKey() {
        SigningKeyRing.LoadedKey key = keys.rotate();
        return new SigningKeyInfo(key.kid(), key.algorithm().jwsName(), key.stored().createdAt(), true);
    }

    /** {@return the published signing keys, newest first, and which one signs now} */
    public List<SigningKeyInfo> signingKeys() {
        return keys.describe();
    }

    /** {@return the {@code iss} of the tokens this IdP issues: its public base URL} */
    public String issuer() {
        return issuer;
    }

    /** {@return the default {@code aud} of the tokens this IdP issues, when no policy or request shapes it} */
    public String audience() {
        return audience;
    }

    /** {@return the default lifetime of the tokens this IdP issues, when no policy shapes it} */
    public Duration tokenTtl() {
        return tokenTtl;
    }

    /**
     * Settings of an {@link AccessTokenIssuer}. Required: {@link #issuer(String)} and
     * {@link #signingKeys(SigningKeyStore)}. {@link #build()} refuses unsafe settings with a
     * message naming the setting.
     */
    public static final class Builder {
        private SigningKeyStore signingKeys;
        private String issuer;
        private String audience;
        private Duration tokenTtl = Duration.ofMinutes(15);
        private SigningAlgorithm signingAlgorithm = SigningAlgorithm.ES256;
        private Duration keyRotation = Duration.ofDays(30);
        private Duration keyRefresh = Duration.ofSeconds(30);
        private boolean allowInsecureIssuer;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets where the signing keys live. Required.
         *
         * @param signingKeys the store; every server sharing it signs and publishes the same keys
         * @return this builder
         */
        public Builder signingKeys(SigningKeyStore signingKeys) {
            this.signingKeys = signingKeys;
            return this;
        }

        /**
         * Sets this IdP's public base URL, the {@code iss} of its tokens. Required.
         *
         * @param issuer https, or http on loopback (see {@link #allowInsecureIssuer()})
         * @return this builder
         */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /**
         * Sets the default {@code aud} of issued tokens.
         *
         * @param audience not blank; default the issuer
         * @return this builder
         */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /**
         * Sets the default lifetime of issued tokens.
         *
         * @param tokenTtl 1 minute to {@link AccessTokenIssuer#MAX_TTL}; default 15 minutes
         * @return this builder
         */
        public Builder tokenTtl(Duration tokenTtl) {
            this.tokenTtl = tokenTtl;
            return this;
        }

        /**
         * Sets the algorithm of new signing keys; existing keys keep theirs.
         *
         * @param signingAlgorithm the algorithm; default ES256
         * @return this builder
         */
        public Builder signingAlgorithm(SigningAlgorithm signingAlgorithm) {
            this.signingAlgorithm = signingAlgorithm;
            return this;
        }

        /**
         * Sets how old the current signing key may grow before a new one replaces it.
         *
         * @param rotation 1 to 365 days; default 30
         * @return this builder
         */
        public Builder signingKeyRotation(Duration rotation) {
            this.keyRotation = rotation;
            return this;
        }

        /**
         * Sets how often signing keys are reloaded from the store, so a rotation on another server is seen.
         *
         * @param refresh 1 s to 5 min; default 30 s
         * @return this builder
         */
        public Builder signingKeyRefresh(Duration refresh) {
            this.keyRefresh = refresh;
            return this;
        }

        /**
         * Allows a plain-http issuer on a non-loopback host: only behind a TLS-terminating proxy.
         *
         * @return this builder
         */
        public Builder allowInsecureIssuer() {
            this.allowInsecureIssuer = true;
            return this;
        }

        /**
         * Sets the clock of {@code iat}, {@code exp}, key rotation and verification.
         *
         * @param clock the clock; default UTC system time
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Checks every setting and builds the issuer. Loads no key yet: the first token or key-set
         * request does.
         *
         * @return an immutable, thread-safe issuer
         * @throws IllegalArgumentException naming the setting that is missing or unsafe
         * @throws NullPointerException without an algorithm or clock
         */
        public AccessTokenIssuer build() {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalArgumentException("issuer is required: this IdP's public base URL");
            }
            if (!allowInsecureIssuer) {
                Settings.secureUrl("issuer", issuer);
            }
            if (audience != null && audience.isBlank()) {
                throw new IllegalArgumentException("tokenAudience must not be blank");
            }
            Settings.within("tokenTtl", tokenTtl, Duration.ofMinutes(1), MAX_TTL);
            Settings.within("signingKeyRotation", keyRotation, Duration.ofDays(1), Duration.ofDays(365));
            Settings.within("signingKeyRefresh", keyRefresh, Duration.ofSeconds(1), Duration.ofMinutes(5));
            Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
            Objects.requireNonNull(clock, "clock");
            if (signingKeys == null) {
                throw new IllegalArgumentException("signingKeys is required (or the exchanger's store())");
            }
            return new AccessTokenIssuer(this);
        }
    }
}
