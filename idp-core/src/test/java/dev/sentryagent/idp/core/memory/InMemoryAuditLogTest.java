package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.contract.AuditLogContract;
import dev.sentryagent.idp.core.spi.IdpStore;

class InMemoryAuditLogTest extends AuditLogContract {
    @Override
    protected IdpStore newStore() {
        return new InMemoryStore();
    }
}
