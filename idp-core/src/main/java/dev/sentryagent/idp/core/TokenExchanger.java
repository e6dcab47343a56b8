package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.core.spi.OidcProvider;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchanges a CI provider's OIDC token for a short-lived access token of this IdP, as the HTTP
 * contract's token endpoint describes: verify the token, spend its {@code jti}, find the trust
 * policy that admits it, pin the repository ids, and have its {@link AccessTokenIssuer} sign an
 * RFC 9068 access token. It names no claim and holds no key.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and share it.
 */
public final class TokenExchanger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sentryagent.idp.exchange");
    private static final String ALREADY_EXCHANGED = "The OIDC token was already exchanged: each token may be exchanged once";
    /**
     * How long past its exp a token's single use is remembered: the largest skew any provider of
     * any server on the store may be given, plus a minute for their clocks, so a server with a
     * lenient skew (or a late clock) never sees a token's record purged while it still accepts it.
     */
    static final Duration REPLAY_KEPT_BEYOND_EXP = OidcProvider.MAX_CLOCK_SKEW.plus(Duration.ofMinutes(1));

    private final Map<String, OidcProvider> providers;
    private final PolicyGate gate;
    private final ReplayGuard replayGuard;
    private final AccessTokenIssuer tokens;
    private final ExchangeListener listener;

    private TokenExchanger(Builder b, AccessTokenIssuer tokens) {
        this.providers = Map.copyOf(b.providers);
        this.gate = new PolicyGate(b.trustPolicies, b.agents, providerTypes());
        this.replayGuard = b.replayGuard;
        this.tokens = tokens;
        this.listener = b.listener;
    }

    /** {@return a builder; see {@link Builder} for what is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Exchanges {@code request.token()} for an access token: provider, replay guard, policy gate,
     * issuer, in that order. Every outcome, allowed or denied, is logged on one line and told to
     * the listener; a token that fails after the replay guard stays spent.
     *
     * @param request the provider, its token, and the mode, audience and scope asked for
     * @return the access token and what it grants
     * @throws InvalidRequestException unknown provider
     * @throws InvalidScopeException a scope other than the mode's
     * @throws InvalidTokenException the token failed verification or was exchanged before
     * @throws AccessDeniedException no trust policy admits it
     * @throws InvalidTargetException the requested audience is neither this IdP nor listed by an
     *     admitting policy
     * @throws UnavailableException the store or the provider's keys cannot be reached
     */
    public ExchangeResult exchange(ExchangeRequest request) {
        WorkloadIdentity identity = null;
        try {
            request.requireModeScope(); // inside too: refused, logged and audited like any other
            OidcProvider provider = provider(request); // inside: an unknown provider is a refusal logged like any other
            identity = provider.verify(request.token());
            if (!replayGuard.firstUse(identity.issuer(), identity.jti(), identity.expiresAt(),
                    identity.expiresAt().plus(REPLAY_KEPT_BEYOND_EXP))) {
                throw new InvalidTokenException(TokenFailure.REPLAY, ALREADY_EXCHANGED);
            }
            TrustPolicy policy = gate.admit(identity, request.agentId(), policyAudience(request));
            ExchangeResult result = tokens.issue(AccessTokenContext.shaped(identity, request.agentId(), policy,
                    request.audience()));
            LOG.info("exchange allowed provider={} repository={} ref={} event={} agent={} policy={} jti={} expires={}",
                    identity.provider(), identity.repository(), Names.loggable(identity.ref()),
                    Names.loggable(identity.event()), request.agentId() == null ? "bootstrap" : request.agentId(),
                    policy.id(), Names.loggable(identity.jti()), result.expiresAt());
            tell(new ExchangeOutcome(request, identity, result, null));
            return result;
        } catch (IdpException e) {
            if (identity == null) {
                LOG.info("exchange denied provider={} agent={} error={} reason=\"{}\"", Names.loggable(request.provider()),
                        request.agentId() == null ? "bootstrap" : request.agentId(), e.code().wireName(),
                        Names.loggable(e.getMessage()));
            } else {
                LOG.info("exchange denied provider={} repository={} ref={} event={} agent={} jti={} error={} reason=\"{}\"",
                        identity.provider(), identity.repository(), Names.loggable(identity.ref()),
                        Names.loggable(identity.event()), request.agentId() == null ? "bootstrap" : request.agentId(),
                        Names.loggable(identity.jti()), e.code().wireName(), Names.loggable(e.getMessage()));
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

    /**
     * What {@link #exchange} would answer for {@code request} now, and why, without spending the
     * token's {@code jti}, pinning ids or issuing anything. A token whose signature verifies but
     * that is expired, not yet valid or already exchanged is still evaluated against the policies.
     *
     * @param request the request to explain
     * @param audience a requested audience, replacing the request's own, or null for the request's
     * @return the decision, the verification, the token's claims and every candidate policy's trace
     * @throws InvalidRequestException unknown provider
     * @throws UnavailableException the store or the provider's keys cannot be reached
     */
    public Explanation explain(ExchangeRequest request, String audience) {
        return explain(audience == null ? request : request.withAudience(audience));
    }

    /**
     * What {@link #exchange} would answer for {@code request} (its audience included) now, and
     * why, without spending the token's {@code jti}, pinning ids or issuing anything. A token whose
     * signature verifies but that is expired, not yet valid or already exchanged is still
     * evaluated against the policies.
     *
     * @param request the request to explain
     * @return the decision, the verification, the token's claims and every candidate policy's trace
     * @throws InvalidRequestException unknown provider
     * @throws UnavailableException the store or the provider's keys cannot be reached
     */
    public Explanation explain(ExchangeRequest request) {
        OidcProvider provider = provider(request);
        TokenInspection inspection;
        try {
            inspection = provider.inspect(request.token());
        } catch (InvalidTokenException e) {
            return new Explanation(false, e.code().wireName(), e.getMessage(),
                    new Explanation.Verification(false, e.getMessage(), false), Map.of(), List.of());
        }
        WorkloadIdentity identity = inspection.identity();
        boolean spent = replayGuard.wasUsed(identity.issuer(), identity.jti(), identity.expiresAt());
        // The same decision as the exchange's, in the gate's mode that writes nothing.
        PolicyEvaluation evaluation = gate.evaluate(identity, request.agentId(), policyAudience(request));
        String tokenFailure = inspection.timeFailure() != null ? inspection.timeFailure().getMessage()
                : spent ? ALREADY_EXCHANGED : null;
        Explanation.Verification verification = new Explanation.Verification(tokenFailure == null, tokenFailure, spent);
        if (tokenFailure != null) {
            return new Explanation(false, ErrorCode.INVALID_TOKEN.wireName(), tokenFailure, verification,
                    identity.claims(), evaluation.policies());
        }
        return new Explanation(evaluation.allowed(), evaluation.error(), evaluation.description(), verification,
                identity.claims(), evaluation.policies());
    }

    /**
     * The requested audience the trust policies must list, or null: none was requested, or it
     * names this IdP, which any admitted exchange may ask for. Exchange and explanation both ask here.
     */
    private String policyAudience(ExchangeRequest request) {
        String audience = request.audience();
        return audience == null || tokens.isOwnAudience(audience) ? null : audience;
    }

    /** {@return the issuer of this exchanger's access tokens: verify them, publish and rotate their keys} */
    public AccessTokenIssuer accessTokenIssuer() {
        return tokens;
    }

    /** {@return the trust-policy decision this exchanger uses, for creating policies under its rules} */
    public PolicyGate policyGate() {
        return gate;
    }

    private OidcProvider provider(ExchangeRequest request) {
        OidcProvider provider = providers.get(request.provider());
        if (provider == null) {
            throw new InvalidRequestException("provider " + Names.quote(request.provider())
                    + " is not configured; configured providers: " + String.join(", ", providers.keySet()));
        }
        return provider;
    }

    /** {@return the configured provider names, in the order they were given} */
    public List<String> providerNames() {
        return List.copyOf(providers.keySet());
    }

    /**
     * {@return the configured providers' types by name ({@link OidcProvider#type()}), in the order
     * they were given: what a {@link PolicyGate} over another view of the same store needs}
     */
    public Map<String, String> providerTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        providers.forEach((name, provider) -> types.put(name, provider.type()));
        return types;
    }

    /**
     * Settings of a {@link TokenExchanger}. Required: at least one provider, the stores (all at
     * once with {@link #store(IdpStore)}), and either an {@link #accessTokenIssuer(AccessTokenIssuer)}
     * or the settings it is built from here ({@link #issuer(String)} at least; the signing keys
     * come from the store). {@link #build()} refuses unsafe settings with a message naming the
     * setting.
     */
    public static final class Builder {
        private final Map<String, OidcProvider> providers = new LinkedHashMap<>();
        private final AccessTokenIssuer.Builder issuerSettings = AccessTokenIssuer.builder();
        private String issuerSettingGiven;
        private AccessTokenIssuer accessTokenIssuer;
        private TrustPolicyRepository trustPolicies;
        private AgentRepository agents;
        private ReplayGuard replayGuard;
        private SigningKeyStore signingKeys;
        private ExchangeListener listener;

        private Builder() {
        }

        /**
         * Trusts tokens of a provider. Call once per provider.
         *
         * @param provider the provider; its {@link OidcProvider#name()} must be unique
         * @return this builder
         * @throws IllegalArgumentException when a provider of that name was given before
         */
        public Builder provider(OidcProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (providers.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalArgumentException("provider names must be unique, \"" + provider.name()
                        + "\" is given twice");
            }
            return this;
        }

        /**
         * Sets every store from one place: trust policies, agents, replay guard and signing keys.
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(IdpStore store) {
            return trustPolicies(store.trustPolicies()).agents(store.agents()).replayGuard(store.replayGuard())
                    .signingKeys(store.signingKeys());
        }

        /**
         * Sets where trust policies are read and pinned.
         *
         * @param trustPolicies the repository
         * @return this builder
         */
        public Builder trustPolicies(TrustPolicyRepository trustPolicies) {
            this.trustPolicies = trustPolicies;
            return this;
        }

        /**
         * Sets where agents are looked up (an unknown agent has no policies).
         *
         * @param agents the repository
         * @return this builder
         */
        public Builder agents(AgentRepository agents) {
            this.agents = agents;
            return this;
        }

        /**
         * Sets the record of exchanged tokens, which makes each OIDC token single use across every server on the store.
         *
         * @param replayGuard the guard
         * @return this builder
         */
        public Builder replayGuard(ReplayGuard replayGuard) {
            this.replayGuard = replayGuard;
            return this;
        }

        /**
         * Sets the signing keys of the issuer built here; ignored when an {@link #accessTokenIssuer} is given.
         *
         * @param signingKeys the key store
         * @return this builder
         */
        public Builder signingKeys(SigningKeyStore signingKeys) {
            this.signingKeys = signingKeys;
            return this;
        }

        /**
         * Sets the issuer of access tokens, built by the caller, instead of the issuer settings below (giving both is refused).
         *
         * @param accessTokenIssuer the issuer
         * @return this builder
         */
        public Builder accessTokenIssuer(AccessTokenIssuer accessTokenIssuer) {
            this.accessTokenIssuer = accessTokenIssuer;
            return this;
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#issuer(String)}.
         *
         * @param issuer this IdP's public base URL
         * @return this builder
         */
        public Builder issuer(String issuer) {
            issuerSettings.issuer(issuer);
            return given("issuer");
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#audience(String)}.
         *
         * @param tokenAudience the default {@code aud} of issued tokens
         * @return this builder
         */
        public Builder tokenAudience(String tokenAudience) {
            issuerSettings.audience(tokenAudience);
            return given("tokenAudience");
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#tokenTtl(Duration)}.
         *
         * @param tokenTtl the default lifetime of issued tokens
         * @return this builder
         */
        public Builder tokenTtl(Duration tokenTtl) {
            issuerSettings.tokenTtl(tokenTtl);
            return given("tokenTtl");
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#signingAlgorithm(SigningAlgorithm)}.
         *
         * @param signingAlgorithm the algorithm of new signing keys
         * @return this builder
         */
        public Builder signingAlgorithm(SigningAlgorithm signingAlgorithm) {
            issuerSettings.signingAlgorithm(signingAlgorithm);
            return given("signingAlgorithm");
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#signingKeyRotation(Duration)}.
         *
         * @param rotation the age at which the signing key is replaced
         * @return this builder
         */
        public Builder signingKeyRotation(Duration rotation) {
            issuerSettings.signingKeyRotation(rotation);
            return given("signingKeyRotation");
        }

        /**
         * Sets the built issuer's setting of the same name: see {@link AccessTokenIssuer.Builder#signingKeyRefresh(Duration)}.
         *
         * @param refresh how often signing keys are reloaded
         * @return this builder
         */
        public Builder signingKeyRefresh(Duration refresh) {
            issuerSettings.signingKeyRefresh(refresh);
            return given("signingKeyRefresh");
        }

        /**
         * Allows a plain-http issuer on a non-loopback host: see {@link AccessTokenIssuer.Builder#allowInsecureIssuer()}.
         *
         * @return this builder
         */
        public Builder allowInsecureIssuer() {
            issuerSettings.allowInsecureIssuer();
            return given("allowInsecureIssuer");
        }

        /**
         * Sets the clock of the issuer built here.
         *
         * @param clock the clock; default UTC system time
         * @return this builder
         */
        public Builder clock(Clock clock) {
            issuerSettings.clock(clock);
            return given("clock");
        }

        private Builder given(String setting) {
            issuerSettingGiven = setting;
            return this;
        }

        /**
         * Sets who is told every exchange's outcome, e.g. the audit trail ({@link AuditTrail}).
         *
         * @param listener the listener, or null for none
         * @return this builder
         */
        public Builder listener(ExchangeListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Checks every setting and builds the exchanger (and its issuer, unless one was given).
         *
         * @return an immutable, thread-safe exchanger
         * @throws IllegalArgumentException naming the setting that is missing, unsafe or given twice
         */
        public TokenExchanger build() {
            if (accessTokenIssuer != null && issuerSettingGiven != null) {
                throw new IllegalArgumentException(issuerSettingGiven + " is a setting of the access-token issuer: "
                        + "give it to AccessTokenIssuer.builder(), or give no accessTokenIssuer");
            }
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("at least one provider is required");
            }
            for (OidcProvider p : providers.values()) {
                Settings.within("clockSkew of provider " + p.name(), p.clockSkew(), Duration.ZERO,
                        OidcProvider.MAX_CLOCK_SKEW);
            }
            if (trustPolicies == null || agents == null || replayGuard == null
                    || signingKeys == null && accessTokenIssuer == null) {
                throw new IllegalArgumentException(
                        "trustPolicies, agents, replayGuard and signingKeys are required (or one store())");
            }
            return new TokenExchanger(this, accessTokenIssuer != null ? accessTokenIssuer
                    : issuerSettings.signingKeys(signingKeys).build());
        }
    }
}
