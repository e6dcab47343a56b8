package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.RevocationListContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresRevocationListTest extends RevocationListContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
