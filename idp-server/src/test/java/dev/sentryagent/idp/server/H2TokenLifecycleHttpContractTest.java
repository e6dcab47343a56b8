package dev.sentryagent.idp.server;

/** The token-lifecycle contract on the embedded H2 default. */
class H2TokenLifecycleHttpContractTest extends TokenLifecycleHttpContractTest {
    @Override
    protected String[] database() {
        return h2("life");
    }
}
