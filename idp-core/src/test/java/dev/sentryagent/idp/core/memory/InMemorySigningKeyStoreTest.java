package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.SigningKeyStoreContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemorySigningKeyStoreTest extends SigningKeyStoreContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
