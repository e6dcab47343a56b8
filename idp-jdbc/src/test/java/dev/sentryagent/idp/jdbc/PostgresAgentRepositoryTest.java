package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.AgentRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresAgentRepositoryTest extends AgentRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
