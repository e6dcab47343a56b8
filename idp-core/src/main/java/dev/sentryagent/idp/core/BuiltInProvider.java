package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.OidcTokenChecks;
import dev.sentryagent.idp.core.spi.OidcProvider;
import java.time.Duration;
import java.time.Instant;
import org.jose4j.jwt.JwtClaims;

/**
 * What the built-in providers share: their settings and the {@link OidcTokenChecks} every token
 * passes before a provider maps its claims onto a {@link WorkloadIdentity}. Thread-safe.
 */
abstract class BuiltInProvider implements OidcProvider {
    final String name;
    final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final OidcTokenChecks checks;

    BuiltInProvider(OidcProviderBuilder<?> settings) {
        this.name = settings.name;
        this.issuer = settings.issuer;
        this.audience = settings.audience;
        this.clockSkew = settings.clockSkew;
        this.checks = settings.checks();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String issuer() {
        return issuer;
    }

    /** {@return the exact {@code aud} a token must carry} */
    public String audience() {
        return audience;
    }

    @Override
    public Duration clockSkew() {
        return clockSkew;
    }

    @Override
    public TokenInspection inspect(String token) {
        return checks.inspect(token, this::identity);
    }

    /** The provider's claims, verified, mapped onto the identity the trust policies read. */
    abstract WorkloadIdentity identity(JwtClaims claims, Instant issuedAt, Instant expiresAt);
}
