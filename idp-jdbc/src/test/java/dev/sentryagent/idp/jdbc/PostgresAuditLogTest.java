package dev.sentryagent.idp.jdbc;

import dev.sentryagent.idp.core.contract.AuditLogContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class PostgresAuditLogTest extends AuditLogContract {
    @Override
    protected IdpStore newStore() {
        return TestDatabases.postgresStore();
    }
}
