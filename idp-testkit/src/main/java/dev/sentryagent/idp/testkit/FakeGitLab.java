package dev.sentryagent.idp.testkit;

import java.time.Clock;

/**
 * Runs a {@link FakeGitLabIssuer} with its mint endpoint, for trying the server by hand:
 * {@code java -jar idp-testkit/target/fake-gitlab.jar [port] [audience]} (defaults 9998 and
 * {@code http://localhost:8080}), then
 * {@code curl 'http://127.0.0.1:9998/token?project_path=acme/platform/deployer&ref=main'}.
 */
public final class FakeGitLab {
    private FakeGitLab() {
    }

    /**
     * Starts the issuer and blocks.
     *
     * @param args optional port (default 9998) and audience (default {@code http://localhost:8080})
     * @throws InterruptedException when the main thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9998;
        String audience = args.length > 1 ? args[1] : "http://localhost:8080";
        FakeGitLabIssuer issuer = FakeGitLabIssuer.start(audience, Clock.systemUTC(), port).enableMintEndpoint();
        System.out.println("fake GitLab OIDC issuer: " + issuer.issuer() + " (audience " + audience
                + ", keys at " + issuer.jwksUri() + ")");
        System.out.println("mint a token: curl '" + issuer.issuer()
                + "/token?project_path=acme/platform/deployer&ref=main'");
        Thread.currentThread().join();
    }
}
