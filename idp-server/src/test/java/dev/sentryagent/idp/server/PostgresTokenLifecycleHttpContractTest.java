package dev.sentryagent.idp.server;

/** The token-lifecycle contract on PostgreSQL. */
class PostgresTokenLifecycleHttpContractTest extends TokenLifecycleHttpContractTest {
    @Override
    protected String[] database() {
        return TestPostgres.newDatabase();
    }
}
