package dev.sentryagent.idp.server;

/** Form parameters and token shaping on PostgreSQL. */
class PostgresTokenShapingHttpContractTest extends TokenShapingHttpContractTest {
    @Override
    protected String[] database() {
        return TestPostgres.newDatabase();
    }
}
