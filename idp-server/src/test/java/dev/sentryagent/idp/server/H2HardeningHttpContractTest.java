package dev.sentryagent.idp.server;

/** The hardening rules of contract v2 on the embedded H2. */
class H2HardeningHttpContractTest extends HardeningHttpContractTest {
    @Override
    protected String[] database() {
        return h2("hardening");
    }
}
