package dev.sentryagent.idp.examples;

import dev.sentryagent.idp.server.IdpServer;
import dev.sentryagent.idp.server.ServerConfig;

/** The standalone server from code: the same as {@code java -jar idp-server.jar}. */
public final class RunServer {
    private RunServer() {
    }

    public static void main(String[] args) {
        IdpServer server = IdpServer.start(ServerConfig.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
