package dev.sentryagent.idp.server;

/** The contract on PostgreSQL; the admin token configured as plaintext. */
class PostgresHttpContractTest extends HttpContractTest {
    @Override
    protected String[] database() {
        return TestPostgres.newDatabase();
    }

    @Override
    protected String adminTokenSetting() {
        return ADMIN;
    }
}
