package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

/** The hardening rules of contract v2 on PostgreSQL. */
class PostgresHardeningHttpContractTest extends HardeningHttpContractTest {
    @Override
    protected String[] database() {
        return TestPostgres.newDatabase();
    }
}
