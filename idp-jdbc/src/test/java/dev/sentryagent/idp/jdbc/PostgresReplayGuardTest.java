package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.ReplayGuardContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresReplayGuardTest extends ReplayGuardContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
