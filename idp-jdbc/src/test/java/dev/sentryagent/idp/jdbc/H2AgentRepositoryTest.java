package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.AgentRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class H2AgentRepositoryTest extends AgentRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.h2Store();
    }
}
