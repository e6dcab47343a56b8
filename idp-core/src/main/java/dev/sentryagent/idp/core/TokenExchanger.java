package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.core.internal.SigningKeyRing;
import dev.sentryagent.idp.core.internal.Urls;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.core.spi.OidcProvider;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchanges a CI provider's OIDC token for a short-lived access token of this IdP, as the HTTP
 * contract's token endpoint describes: verify the token, spend its {@code jti}, find the trust
 * policy that admits it, pin the repository ids, and sign an RFC 9068 access token.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and share it.
 */
public final class TokenExchanger {
    /** The JWT {@code typ} of the tokens this IdP issues (RFC 9068). */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    private static final Logger LOG = LoggerFactory.getLogger("dev.sentryagent.idp.exchange");
    private static final Duration MAX_TTL = Duration.ofHours(1);
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final Duration ACCESS_TOKEN_SKEW = Duration.ofSeconds(30);

    private final Map<String, OidcProvider> providers;
    private final TrustPolicyRepository trustPolicies;
    private final AgentRepository agents;
    private final ReplayGuard replayGuard;
    private final SigningKeyRing keys;
    private final String issuer;
    private final String tokenAudience;
    private final Duration tokenTtl;
    private final Clock clock;
    private final ExchangeListener listener;

    private TokenExchanger(Builder b) {
        this.providers = Map.copyOf(b.providers);
        this.trustPolicies = b.trustPolicies;
        this.agents = b.agents;
        this.replayGuard = b.replayGuard;
        this.issuer = b.issuer;
        this.tokenAudience = b.tokenAudience == null ? b.issuer : b.tokenAudience;
        this.tokenTtl = b.tokenTtl;
        this.clock = b.clock;
        this.listener = b.listener;
        this.keys = new SigningKeyRing(b.signingKeys, b.signingAlgorithm, MAX_TTL.plus(MAX_SKEW), b.keyRotation,
                b.keyRefresh, b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Exchanges {@code request.token()} for an access token.
     *
     * @throws InvalidRequestException unknown provider
     * @throws InvalidTokenException the token failed verification or was exchanged before
     * @throws AccessDeniedException no trust policy admits it
     * @throws UnavailableException the store or the provider's keys cannot be reached
     */
    public ExchangeResult exchange(ExchangeRequest request) {
        OidcProvider provider = providers.get(request.provider());
        if (provider == null) {
            InvalidRequestException unknown = new InvalidRequestException("provider " + Names.quote(request.provider())
                    + " is not configured; configured providers: " + String.join(", ", providers.keySet()));
            tell(new ExchangeOutcome(request, null, null, unknown));
            throw unknown;
        }
        CiIdentity identity = null;
        try {
            identity = provider.verify(request.token());
            if (!replayGuard.firstUse(identity.issuer(), identity.jti(),
                    identity.expiresAt().plus(provider.clockSkew()))) {
                throw new InvalidTokenException(TokenFailure.REPLAY,
                        "The OIDC token was already exchanged: each token may be exchanged once");
            }
            TrustPolicy policy = admit(identity, request.agentId());
            ExchangeResult result = issue(identity, request.agentId(), policy);
            LOG.info("exchange allowed provider={} repository={} ref={} event={} agent={} policy={} jti={} expires={}",
                    identity.provider(), identity.repository(), identity.ref(), identity.eventName(),
                    request.agentId() == null ? "bootstrap" : request.agentId(), policy.id(), identity.jti(),
                    result.expiresAt());
            tell(new ExchangeOutcome(request, identity, result, null));
            return result;
        } catch (IdpException e) {
            if (identity == null) {
                LOG.info("exchange denied provider={} agent={} error={} reason=\"{}\"", request.provider(),
                        request.agentId() == null ? "bootstrap" : request.agentId(), e.code().wireName(),
                        e.getMessage());
            } else {
                LOG.info("exchange denied provider={} repository={} ref={} event={} agent={} jti={} error={} reason=\"{}\"",
                        identity.provider(), identity.repository(), identity.ref(), identity.eventName(),
                        request.agentId() == null ? "bootstrap" : request.agentId(), identity.jti(),
                        e.code().wireName(), e.getMessage());
            }
            tell(new ExchangeOutcome(request, identity, null, e));
            throw e;
        }
    }

    private void tell(ExchangeOutcome outcome) {
        if (listener == null) {
            return;
        }
        try {
            listener.onExchange(outcome);
        } catch (RuntimeException e) {
            LOG.error("exchange listener failed; the exchange's answer stands", e);
        }
    }

    private TrustPolicy admit(CiIdentity identity, UUID agentId) {
        // An unknown agent has no policies: the same answer as "no policy", so agents cannot be enumerated.
        List<TrustPolicy> candidates = agentId != null && agents.findById(agentId).isEmpty()
                ? List.of()
                : trustPolicies.findCandidates(identity.provider(), identity.repository(), agentId);
        TrustPolicy policy = TrustPolicies.evaluate(identity, agentId, candidates);
        if (policy.repositoryId() != null && policy.repositoryOwnerId() != null) {
            return policy;
        }
        TrustPolicy pinned = trustPolicies.pinRepositoryIds(policy.id(), identity.repositoryId(),
                identity.repositoryOwnerId()).orElseThrow(() -> new AccessDeniedException(
                DenialReason.TRUST_POLICY_VIOLATION, "trust policy " + policy.id() + " was deleted during the exchange"));
        if (!TrustPolicies.idsMatch(pinned, identity)) {
            throw TrustPolicies.pinnedMismatch(pinned, identity); // another exchange pinned other ids first
        }
        if (policy.repositoryId() == null) {
            LOG.info("trust-policy id={} repository={} pinned repositoryId={} repositoryOwnerId={}", pinned.id(),
                    pinned.repository(), pinned.repositoryId(), pinned.repositoryOwnerId());
        }
        return pinned;
    }

    private ExchangeResult issue(CiIdentity identity, UUID agentId, TrustPolicy policy) {
        SigningKeyRing.LoadedKey key = keys.current();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(tokenTtl);
        String scope = agentId == null ? Scopes.AGENTS_WRITE : Scopes.AGENT;
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(agentId == null ? identity.subject() : agentId.toString());
        claims.setAudience(tokenAudience);
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setJwtId(newJti());
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
        claims.setClaim("policy_id", policy.id().toString());

        String token;
        try {
            token = CompactJws.sign(key.jws(), key.privateKey(), key.encodedHeader(), claims.toJson());
        } catch (JoseException e) {
            throw new IdpException(ErrorCode.SERVER_ERROR, "Signing the access token failed", e);
        }
        return new ExchangeResult(token, Instant.ofEpochSecond(expiresAt.getEpochSecond()),
                tokenTtl.toSeconds(), scope, agentId, policy.id());
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
     * issuer, audience, expiry) and returns its claims.
     *
     * @throws InvalidTokenException when it is not a valid token of ours
     */
    public AccessTokenClaims verifyAccessToken(String token) {
        if (token == null || token.isBlank() || token.length() > GitHubProvider.MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token is missing or malformed");
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(issuer)
                .setExpectedAudience(tokenAudience)
                .setRequireExpirationTime()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds((int) ACCESS_TOKEN_SKEW.toSeconds())
                .setEvaluationTime(NumericDate.fromSeconds(clock.instant().getEpochSecond()))
                .setExpectedType(true, ACCESS_TOKEN_TYPE)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        "ES256", "ES384", "RS256", "EdDSA"))
                .setVerificationKeyResolver(keys.verificationKeyResolver())
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new AccessTokenClaims(claims.getSubject(), claims.getStringClaimValue("scope"),
                    claims.getStringClaimValue("client_id"), claims.getStringClaimValue("provider"),
                    claims.getStringClaimValue("repository"), claims.getStringClaimValue("ref"),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) {
                throw new InvalidTokenException(TokenFailure.EXPIRED, "The access token has expired");
            }
            throw new InvalidTokenException(TokenFailure.SIGNATURE,
                    "The access token was not issued by this IdP or is malformed");
        } catch (MalformedClaimException | NullPointerException e) {
            throw new InvalidTokenException(TokenFailure.MALFORMED, "The access token's claims are malformed");
        }
    }

    /** The JWKS document of the keys this IdP signs with, the current one and still-valid previous ones. */
    public String jwksJson() {
        return keys.jwksJson();
    }

    /** The published keys as a jose4j key set. */
    public JsonWebKeySet jwks() {
        return new JsonWebKeySet(keys.publishedJwks());
    }

    /**
     * Adds a new signing key, which signs on this server from now on and on the others sharing
     * the store once they reload (within the key refresh); the previous key stays published until
     * every token it signed has expired, then is deleted.
     */
    public SigningKeyInfo rotateSigningKey() {
        SigningKeyRing.LoadedKey key = keys.rotate();
        return new SigningKeyInfo(key.kid(), key.algorithm().jwsName(), key.stored().createdAt(), true);
    }

    /** The published signing keys, newest first, and which one signs now. */
    public List<SigningKeyInfo> signingKeys() {
        return keys.describe();
    }

    /** The {@code iss} of the tokens this IdP issues. */
    public String issuer() {
        return issuer;
    }

    /** The {@code aud} of the tokens this IdP issues. */
    public String tokenAudience() {
        return tokenAudience;
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** The configured provider names. */
    public List<String> providerNames() {
        return List.copyOf(providers.keySet());
    }

    /**
     * Settings of a {@link TokenExchanger}. Required: {@link #issuer(String)}, at least one
     * provider, and the stores (all at once with {@link #store(IdpStore)}). {@link #build()}
     * refuses unsafe settings with a message naming the setting.
     */
    public static final class Builder {
        private final Map<String, OidcProvider> providers = new LinkedHashMap<>();
        private TrustPolicyRepository trustPolicies;
        private AgentRepository agents;
        private ReplayGuard replayGuard;
        private SigningKeyStore signingKeys;
        private String issuer;
        private String tokenAudience;
        private Duration tokenTtl = Duration.ofMinutes(15);
        private SigningAlgorithm signingAlgorithm = SigningAlgorithm.ES256;
        private Duration keyRotation = Duration.ofDays(30);
        private Duration keyRefresh = Duration.ofSeconds(30);
        private boolean allowInsecureIssuer;
        private Clock clock = Clock.systemUTC();
        private ExchangeListener listener;

        private Builder() {
        }

        /** Trusts tokens of {@code provider}; its {@link OidcProvider#name()} must be unique. */
        public Builder provider(OidcProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (providers.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalArgumentException("provider names must be unique, \"" + provider.name()
                        + "\" is given twice");
            }
            return this;
        }

        /** Every store from one place. */
        public Builder store(IdpStore store) {
            return trustPolicies(store.trustPolicies()).agents(store.agents()).replayGuard(store.replayGuard())
                    .signingKeys(store.signingKeys());
        }

        public Builder trustPolicies(TrustPolicyRepository trustPolicies) {
            this.trustPolicies = trustPolicies;
            return this;
        }

        public Builder agents(AgentRepository agents) {
            this.agents = agents;
            return this;
        }

        public Builder replayGuard(ReplayGuard replayGuard) {
            this.replayGuard = replayGuard;
            return this;
        }

        public Builder signingKeys(SigningKeyStore signingKeys) {
            this.signingKeys = signingKeys;
            return this;
        }

        /** This IdP's public base URL, the {@code iss} of its tokens: required; https, or http on loopback. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The {@code aud} of issued tokens; default the issuer. */
        public Builder tokenAudience(String tokenAudience) {
            this.tokenAudience = tokenAudience;
            return this;
        }

        /** Lifetime of issued tokens: 1 minute to 1 hour, default 15 minutes. */
        public Builder tokenTtl(Duration tokenTtl) {
            this.tokenTtl = tokenTtl;
            return this;
        }

        /** The algorithm of new signing keys; default ES256. */
        public Builder signingAlgorithm(SigningAlgorithm signingAlgorithm) {
            this.signingAlgorithm = signingAlgorithm;
            return this;
        }

        /** How old the current signing key may grow before a new one replaces it: 1 to 365 days, default 30. */
        public Builder signingKeyRotation(Duration rotation) {
            this.keyRotation = rotation;
            return this;
        }

        /** How often signing keys are reloaded from the store: 1 s to 5 min, default 30 s. */
        public Builder signingKeyRefresh(Duration refresh) {
            this.keyRefresh = refresh;
            return this;
        }

        /** Allows a plain-http issuer on a non-loopback host: only behind a TLS-terminating proxy. */
        public Builder allowInsecureIssuer() {
            this.allowInsecureIssuer = true;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Told every exchange's outcome, e.g. the audit trail ({@link AuditTrail}). */
        public Builder listener(ExchangeListener listener) {
            this.listener = listener;
            return this;
        }

        public TokenExchanger build() {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalArgumentException("issuer is required: this IdP's public base URL");
            }
            if (!allowInsecureIssuer) {
                Urls.secure("issuer", issuer);
            }
            if (tokenAudience != null && tokenAudience.isBlank()) {
                throw new IllegalArgumentException("tokenAudience must not be blank");
            }
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("at least one provider is required");
            }
            for (OidcProvider p : providers.values()) {
                GitHubProvider.within("clockSkew of provider " + p.name(), p.clockSkew(), Duration.ZERO, MAX_SKEW);
            }
            GitHubProvider.within("tokenTtl", tokenTtl, Duration.ofMinutes(1), MAX_TTL);
            GitHubProvider.within("signingKeyRotation", keyRotation, Duration.ofDays(1), Duration.ofDays(365));
            GitHubProvider.within("signingKeyRefresh", keyRefresh, Duration.ofSeconds(1), Duration.ofMinutes(5));
            Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
            Objects.requireNonNull(clock, "clock");
            if (trustPolicies == null || agents == null || replayGuard == null || signingKeys == null) {
                throw new IllegalArgumentException(
                        "trustPolicies, agents, replayGuard and signingKeys are required (or one store())");
            }
            return new TokenExchanger(this);
        }
    }
}
