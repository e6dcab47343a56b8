package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.spi.ReplayGuard;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ReplayGuard} must do. */
public abstract class ReplayGuardContract extends StoreContract {
    protected ReplayGuard guard;


    @BeforeEach
    void setUpStore() {
        guard = store.replayGuard();
    }

    Instant later() {
        return Instant.now().plusSeconds(600);
    }

    @Test
    void firstUseThenTrueOnceThenFalse() {
        assertThat(guard.firstUse("https://issuer", "jti-1", later())).isTrue();
        assertThat(guard.firstUse("https://issuer", "jti-1", later())).isFalse();
    }

    @Test
    void wasUsedReadsWithoutSpending() {
        assertThat(guard.wasUsed("https://issuer", "jti-read")).isFalse();
        assertThat(guard.wasUsed("https://issuer", "jti-read")).isFalse();
        assertThat(guard.firstUse("https://issuer", "jti-read", later())).isTrue();
        assertThat(guard.wasUsed("https://issuer", "jti-read")).isTrue();
        assertThat(guard.wasUsed("https://other-issuer", "jti-read")).isFalse();
    }

    @Test
    void sameJtiOfAnotherIssuerIsAnotherToken() {
        assertThat(guard.firstUse("https://issuer-a", "jti-1", later())).isTrue();
        assertThat(guard.firstUse("https://issuer-b", "jti-1", later())).isTrue();
    }

    @Test
    void concurrentUsesOfOneJtiThenExactlyOneWins() throws Exception {
        Races.eachRoundHasOneWinner(1, 32, "raced", (racer, jti) -> guard.firstUse("https://issuer", jti, later()));
    }

    @Test
    void metacharactersInJtiAreStoredVerbatim() {
        String jti = "'; DELETE FROM oidc_replay; --";
        assertThat(guard.firstUse("https://issuer", jti, later())).isTrue();
        assertThat(guard.firstUse("https://issuer", jti, later())).isFalse();
        assertThat(guard.firstUse("https://issuer", "other", later())).isTrue();
    }

    // The token's exp as the exchanger passes it: whole seconds, a few minutes ahead.
    Instant exp() {
        return Instant.ofEpochSecond(Instant.now().getEpochSecond() + 300);
    }

    @Test
    void firstUseWithExpThenTrueOnceThenFalse() {
        Instant exp = exp();
        assertThat(guard.firstUse("https://issuer", "jti-exp", exp, exp.plusSeconds(60))).isTrue();
        assertThat(guard.firstUse("https://issuer", "jti-exp", exp, exp.plusSeconds(60))).isFalse();
        assertThat(guard.firstUse("https://issuer", "jti-other", exp, exp.plusSeconds(60))).isTrue();
        assertThat(guard.firstUse("https://other-issuer", "jti-exp", exp, exp.plusSeconds(60))).isTrue();
    }

    @Test
    void sameTokenWhenKeepUntilDiffersThenStillRefused() {
        // Two servers (or one restarted) with different clock skews for the provider: one token,
        // two keepUntil values. The skew is configuration, so it must not make a second use first.
        Instant exp = exp();
        assertThat(guard.firstUse("https://issuer", "jti-skew", exp, exp.plusSeconds(60))).isTrue();
        assertThat(guard.firstUse("https://issuer", "jti-skew", exp, exp.plusSeconds(300))).isFalse();
        assertThat(guard.firstUse("https://issuer", "jti-skew", exp, exp)).isFalse();
    }

    @Test
    void wasUsedWithExpReadsWithoutSpending() {
        Instant exp = exp();
        assertThat(guard.wasUsed("https://issuer", "jti-explain", exp)).isFalse();
        assertThat(guard.wasUsed("https://issuer", "jti-explain", exp)).isFalse();
        assertThat(guard.firstUse("https://issuer", "jti-explain", exp, exp.plusSeconds(60))).isTrue();
        assertThat(guard.wasUsed("https://issuer", "jti-explain", exp)).isTrue();
        assertThat(guard.wasUsed("https://other-issuer", "jti-explain", exp)).isFalse();
        assertThat(guard.wasUsed("https://issuer", "jti-unused", exp)).isFalse();
    }

    @Test
    void concurrentUsesOfOneTokenWithExpThenExactlyOneWins() throws Exception {
        Instant exp = exp();
        // 32 racers configured with different skews, so one token arrives with four keepUntil values.
        Races.eachRoundHasOneWinner(10, 32, "raced-",
                (racer, jti) -> guard.firstUse("https://issuer", jti, exp, exp.plusSeconds(racer % 4 * 30)));
    }
}
