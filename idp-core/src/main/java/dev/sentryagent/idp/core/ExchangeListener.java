package dev.sentryagent.idp.core;

/**
 * Told the outcome of every exchange whose request reached {@link TokenExchanger#exchange}, allowed
 * or denied, on the thread that made it (so it must be quick: the audit trail only enqueues). A
 * listener that throws is logged and otherwise ignored: it never changes the answer.
 */
@FunctionalInterface
public interface ExchangeListener {

    /**
     * Receives one outcome; must return quickly and not block on I/O.
     *
     * @param outcome how the exchange ended
     */
    void onExchange(ExchangeOutcome outcome);
}
