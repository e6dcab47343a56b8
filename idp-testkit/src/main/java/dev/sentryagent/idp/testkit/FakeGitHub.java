package dev.sentryagent.idp.testkit;

import java.time.Clock;

/**
 * Runs a {@link FakeOidcIssuer} with its mint endpoint, for trying the server by hand:
 * {@code java -jar idp-testkit/target/fake-github.jar [port] [audience]} (defaults 9999 and
 * {@code http://localhost:8080}), then {@code curl 'http://127.0.0.1:9999/token?repository=o/r'}.
 */
public final class FakeGitHub {
    private FakeGitHub() {
    }

    /**
     * Starts the issuer and blocks until the process is stopped.
     *
     * @param args optional port (default 9999), then optional audience (default
     *     {@code http://localhost:8080})
     * @throws InterruptedException if the main thread is interrupted while it waits
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9999;
        String audience = args.length > 1 ? args[1] : "http://localhost:8080";
        FakeOidcIssuer issuer = FakeOidcIssuer.start(audience, Clock.systemUTC(), port).enableMintEndpoint();
        System.out.println("fake GitHub OIDC issuer: " + issuer.issuer() + " (audience " + audience + ")");
        System.out.println("mint a token: curl '" + issuer.issuer() + "/token?repository=octo-org/octo-repo&branch=main'");
        Thread.currentThread().join();
    }
}
