package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.RevocationListContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemoryRevocationListTest extends RevocationListContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
