package dev.sentryagent.idp.javalin;

/** The hardening rules of contract v2 on PostgreSQL. */
class PostgresHardeningHttpContractTest extends HardeningHttpContractTest {
    @Override
    protected String[] database() {
        return TestPostgres.newDatabase();
    }
}
