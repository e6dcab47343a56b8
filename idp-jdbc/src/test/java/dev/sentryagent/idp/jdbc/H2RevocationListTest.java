package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.RevocationListContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class H2RevocationListTest extends RevocationListContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.h2Store();
    }
}
