package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.SigningKeyStoreContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class H2SigningKeyStoreTest extends SigningKeyStoreContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.h2Store();
    }
}
