package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GitHubProviderSettingsTest {

    @Test
    void buildWhenNoAudienceThenRefused() {
        assertThatThrownBy(() -> GitHubProvider.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audience is required: the exact aud incoming tokens must carry");
    }

    @Test
    void buildWhenSkewOverFiveMinutesThenRefused() {
        assertThatThrownBy(() -> GitHubProvider.builder().audience("a").clockSkew(Duration.ofMinutes(6)).build())
                .hasMessage("clockSkew must be between PT0S and PT5M, got PT6M");
    }

    @Test
    void buildWhenPlainHttpIssuerOffLoopbackThenRefused() {
        assertThatThrownBy(() -> GitHubProvider.builder().audience("a").issuer("http://github.example.com").build())
                .hasMessage("issuer must use https (plain http only on loopback), got \"http://github.example.com\"");
    }

    @Test
    void buildWhenPlainHttpJwksOffLoopbackThenRefused() {
        assertThatThrownBy(() -> GitHubProvider.builder().audience("a").jwksUri("http://10.0.0.1/jwks").build())
                .hasMessage("jwksUri must use https (plain http only on loopback), got \"http://10.0.0.1/jwks\"");
    }

    @Test
    void buildWhenEnterpriseIssuersThenAccepted() {
        GitHubProvider.builder().audience("a").issuer("https://token.actions.githubusercontent.com/my-enterprise").build();
        GitHubProvider.builder().audience("a").issuer("https://ghes.example.com/_services/token").build();
    }

    @Test
    void buildWhenCooldownZeroThenRefused() {
        assertThatThrownBy(() -> GitHubProvider.builder().audience("a").jwksCooldown(Duration.ZERO).build())
                .hasMessage("jwksCooldown must be between PT0.1S and PT1H, got PT0S");
    }
}
