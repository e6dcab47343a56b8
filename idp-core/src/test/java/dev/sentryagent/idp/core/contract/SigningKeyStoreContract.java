package dev.sentryagent.idp.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SigningKeyStore} must do. */
public abstract class SigningKeyStoreContract extends StoreContract {
    protected SigningKeyStore keys;


    @BeforeEach
    void setUpStore() {
        keys = store.signingKeys();
    }

    static SigningKey key(String kid, Instant createdAt) {
        KeyPair pair = SigningAlgorithm.ES256.generateKeyPair();
        return new SigningKey(kid, "ES256", pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(), createdAt);
    }

    @Test
    void loadAllWhenEmptyThenEmpty() {
        assertThat(keys.loadAll()).isEmpty();
    }

    @Test
    void addThenLoadAllReturnsKeysOldestFirstWithTheirBytes() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        SigningKey newer = key("kid-2", t);
        SigningKey older = key("kid-1", t.minusSeconds(60));
        keys.add(newer);
        keys.add(older);
        assertThat(keys.loadAll()).containsExactly(older, newer);
    }

    @Test
    void addWhenKidExistsThenRefused() {
        keys.add(key("kid-1", Instant.now()));
        assertThatThrownBy(() -> keys.add(key("kid-1", Instant.now()))).isInstanceOf(RuntimeException.class);
        assertThat(keys.loadAll()).hasSize(1);
    }

    @Test
    void deleteThenKeyAndItsPrivateKeyGoneAndSecondDeleteFalse() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        SigningKey old = key("kid-old", t.minusSeconds(60));
        SigningKey current = key("kid-new", t);
        keys.add(old);
        keys.add(current);
        assertThat(keys.delete("kid-old")).isTrue();
        assertThat(keys.loadAll()).containsExactly(current);
        assertThat(keys.delete("kid-old")).isFalse();
        assertThat(keys.delete("never-existed")).isFalse();
    }
}
