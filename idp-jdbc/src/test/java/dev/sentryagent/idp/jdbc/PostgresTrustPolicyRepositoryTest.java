package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.TrustPolicyRepositoryContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresTrustPolicyRepositoryTest extends TrustPolicyRepositoryContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
