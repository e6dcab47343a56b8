package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.SigningKeyStoreContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresSigningKeyStoreTest extends SigningKeyStoreContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
