package dev.sentryagent.idp.server;

import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.testkit.FakeGitLabIssuer;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.util.Map;
import java.util.UUID;

/**
 * A server configured from the environment with {@code IDP_PROVIDERS=github,ghes,gitlab}, each
 * provider a real fake issuer on loopback: github.com, a GitHub Enterprise Server, gitlab.com.
 */
final class ThreeProviders implements AutoCloseable {
    static final String IDP = "http://localhost:8080";
    static final String ADMIN = "three-providers-admin-secret-0123456789";

    final FakeOidcIssuer github = FakeOidcIssuer.start(IDP);
    final FakeOidcIssuer ghes = FakeOidcIssuer.start(IDP);
    final FakeGitLabIssuer gitlab = FakeGitLabIssuer.start(IDP);
    final IdpServer server;
    final Http http;

    ThreeProviders() {
        server = IdpServer.start(ServerConfig.fromEnvironment(Map.of(
                "IDP_PORT", "0",
                "IDP_ISSUER", IDP,
                "IDP_DB_URL", "jdbc:h2:mem:providers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "IDP_ADMIN_TOKEN", ADMIN,
                "IDP_PROVIDERS", "github,ghes,gitlab",
                "IDP_GITHUB_ISSUER", github.issuer(), // the version 1 alias
                "IDP_PROVIDER_GHES_TYPE", "github",
                "IDP_PROVIDER_GHES_ISSUER", ghes.issuer(),
                "IDP_PROVIDER_GITLAB_ISSUER", gitlab.issuer())));
        http = new Http("http://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        server.close();
        github.close();
        ghes.close();
        gitlab.close();
    }
}
