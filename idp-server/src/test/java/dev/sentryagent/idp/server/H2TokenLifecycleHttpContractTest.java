package dev.sentryagent.idp.server;

import java.util.UUID;

/** The token-lifecycle contract on the embedded H2 default. */
class H2TokenLifecycleHttpContractTest extends TokenLifecycleHttpContractTest {
    @Override
    protected String[] database() {
        return new String[] {"jdbc:h2:mem:life-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""};
    }
}
