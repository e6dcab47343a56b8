package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;

import java.util.UUID;

/** The hardening rules of contract v2 on the embedded H2. */
class H2HardeningHttpContractTest extends HardeningHttpContractTest {
    @Override
    protected String[] database() {
        return new String[] {"jdbc:h2:mem:hardening-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""};
    }
}
