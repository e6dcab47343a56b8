package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.TrustPolicyRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class H2TrustPolicyRepositoryTest extends TrustPolicyRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.h2Store();
    }
}
