package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;
import java.util.UUID;

/** The contract on the embedded H2 default; the admin token configured as its SHA-256 hash. */
class H2HttpContractTest extends HttpContractTest {
    @Override
    protected String[] database() {
        return new String[] {"jdbc:h2:mem:http-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""};
    }

    @Override
    protected String adminTokenSetting() {
        return AdminToken.hashOf(ADMIN);
    }
}
