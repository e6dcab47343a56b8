package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.AuditLogContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class H2AuditLogTest extends AuditLogContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.h2Store();
    }
}
