package dev.sentryagent.idp.server;

import java.util.UUID;

/** Form parameters and token shaping on the embedded H2 store. */
class H2TokenShapingHttpContractTest extends TokenShapingHttpContractTest {
    @Override
    protected String[] database() {
        return new String[] {"jdbc:h2:mem:shaping-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""};
    }
}
