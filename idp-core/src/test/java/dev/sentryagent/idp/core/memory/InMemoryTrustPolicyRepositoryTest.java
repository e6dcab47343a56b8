package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.TrustPolicyRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemoryTrustPolicyRepositoryTest extends TrustPolicyRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
