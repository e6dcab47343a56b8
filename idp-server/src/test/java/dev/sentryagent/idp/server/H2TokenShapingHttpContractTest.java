package dev.sentryagent.idp.server;

/** Form parameters and token shaping on the embedded H2 store. */
class H2TokenShapingHttpContractTest extends TokenShapingHttpContractTest {
    @Override
    protected String[] database() {
        return h2("shaping");
    }
}
