package dev.sentryagent.idp.core;

/** The scopes this IdP issues. */
public final class Scopes {
    /** A bootstrap token: may register agents, and nothing else. */
    public static final String AGENTS_WRITE = "agents:write";
    /** An agent-scoped token: acts as one agent; can never register agents. */
    public static final String AGENT = "agent";

    private Scopes() {
    }
}
