package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.spi.RevocationList;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RevocationList} must do. */
public abstract class RevocationListContract extends StoreContract {
    protected RevocationList revocations;

    @BeforeEach
    void setUpRevocations() {
        revocations = store.revocations();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void revokeThenRevokedAndOthersNot() {
        revocations.revoke("jti-1", now().plusSeconds(600));
        assertThat(revocations.isRevoked("jti-1")).isTrue();
        assertThat(revocations.isRevoked("jti-2")).isFalse();
    }

    @Test
    void revokeTwiceThenStillRevokedWithoutError() {
        revocations.revoke("jti-1", now().plusSeconds(600));
        revocations.revoke("jti-1", now().plusSeconds(900));
        assertThat(revocations.isRevoked("jti-1")).isTrue();
    }

    @Test
    void purgeExpiredThenOnlyRecordsOfExpiredTokensGo() {
        Instant now = now();
        revocations.revoke("expired-1", now.minusSeconds(10));
        revocations.revoke("expired-2", now.minusSeconds(5));
        revocations.revoke("alive", now.plusSeconds(600));
        assertThat(revocations.purgeExpired(now, 1)).isEqualTo(1);
        assertThat(revocations.purgeExpired(now, 100)).isEqualTo(1);
        assertThat(revocations.purgeExpired(now, 100)).isZero();
        assertThat(revocations.isRevoked("expired-1")).isFalse();
        assertThat(revocations.isRevoked("expired-2")).isFalse();
        assertThat(revocations.isRevoked("alive")).isTrue();
    }

    @Test
    void metacharactersInJtiAreStoredVerbatim() {
        String jti = "'; DELETE FROM token_revocations; --";
        revocations.revoke(jti, now().plusSeconds(600));
        assertThat(revocations.isRevoked(jti)).isTrue();
        assertThat(revocations.isRevoked("other")).isFalse();
    }
}
