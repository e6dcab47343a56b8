package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.AgentRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemoryAgentRepositoryTest extends AgentRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
