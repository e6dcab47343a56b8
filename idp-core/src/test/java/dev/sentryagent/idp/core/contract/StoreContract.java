package dev.sentryagent.idp.core.contract;

import dev.sentryagent.idp.core.spi.IdpStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What every storage contract shares: a fresh, empty store per test, closed after it. */
public abstract class StoreContract {
    protected IdpStore store;

    /** A new store with no data. */
    protected abstract IdpStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
