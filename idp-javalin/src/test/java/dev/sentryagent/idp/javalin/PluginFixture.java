package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The app the HTTP tests of this module call: a fake GitHub issuer and the plugin in a Javalin app
 * of its own on a random loopback port, set up as the standalone server sets its app up
 * ({@code prefer405over404}, the contract's errors for unmatched requests), over an in-memory
 * store, with an admin token and an introspection token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PluginFixture {
    static final String IDP = "http://localhost:8080";
    static final String ADMIN = "plugin-fixture-admin-secret-0123456789";
    static final String INTROSPECTION = "plugin-fixture-introspection-secret-0123";

    FakeOidcIssuer github;
    InMemoryStore store;
    Javalin app;
    Http http;

    @BeforeAll
    void startApp() {
        github = FakeOidcIssuer.start(IDP);
        store = new InMemoryStore();
        TokenExchanger exchanger = TokenExchanger.builder().issuer(IDP).store(store)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build();
        IdpPlugin plugin = IdpPlugin.builder().exchanger(exchanger).store(store).adminToken(AdminToken.parse(ADMIN))
                .introspectionToken(AdminToken.parse(INTROSPECTION)).build();
        app = Javalin.create(config -> {
            config.http.prefer405over404 = true;
            config.registerPlugin(plugin);
            IdpPlugin.answerUnmatchedWithContractErrors(config);
        }).start("127.0.0.1", 0);
        http = new Http("http://127.0.0.1:" + app.port());
    }

    @AfterAll
    void stopApp() {
        app.stop();
        github.close();
    }

    /** Creates a trust policy through the admin API; returns its id. */
    String createPolicy(Object... fields) {
        Http.Response r = http.postJson("/api/v1/oidc/trust-policies", Http.map(fields), ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Asserts an error answer exactly: status, error code and the whole description. */
    static void assertError(Http.Response r, int status, String error, String description) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.error()).as(r.body()).isEqualTo(error);
        assertThat(r.description()).isEqualTo(description);
    }
}
