package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.ReplayGuardContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemoryReplayGuardTest extends ReplayGuardContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
