package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.AdminToken;

/** The contract on the embedded H2 default; the admin token configured as its SHA-256 hash. */
class H2HttpContractTest extends HttpContractTest {
    @Override
    protected String[] database() {
        return h2("http");
    }

    @Override
    protected String adminTokenSetting() {
        return AdminToken.hashOf(ADMIN);
    }
}
