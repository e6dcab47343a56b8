package dev.sentryagent.idp.javalin;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

/** A team's own Javalin app mounts the plugin beside its own routes. */
class EmbeddedPluginTest {

    @Test
    void pluginMountedInOwnAppServesContractBesideAppRoutes() {
        String idp = "http://localhost:8080";
        try (FakeOidcIssuer github = FakeOidcIssuer.start(idp)) {
            InMemoryStore store = new InMemoryStore();
            store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
            TokenExchanger exchanger = TokenExchanger.builder().issuer(idp).store(store)
                    .provider(GitHubProvider.builder().issuer(github.issuer()).audience(idp).build()).build();
            Javalin app = Javalin.create(config -> {
                config.routes.get("/hello", ctx -> ctx.result("hello from the app"));
                config.registerPlugin(IdpPlugin.builder().exchanger(exchanger).store(store)
                        .adminToken(AdminToken.parse("embedded-admin-secret-0123456789abcd")).build());
            }).start(0);
            try {
                Http http = new Http("http://127.0.0.1:" + app.port());
                assertThat(http.get("/hello", null).body()).isEqualTo("hello from the app");
                Http.Response token = http.exchange(github.token().mint(), null);
                assertThat(token.status()).as(token.body()).isEqualTo(200);
                Http.Response agent = http.postJson("/api/v1/agents", map("name", "embedded"),
                        token.json().get("access_token").asText());
                assertThat(agent.status()).as(agent.body()).isEqualTo(201);
                assertThat(store.agents().findById(java.util.UUID.fromString(agent.json().get("agentId").asText())))
                        .isPresent();
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void embeddedAppWhenGetCarriesMethodOverrideDeleteThenNothingIsDeletedAndHeadNeedsTheAdminToken() {
        String idp = "http://localhost:8080";
        String admin = "embedded-admin-secret-0123456789abcd";
        try (FakeOidcIssuer github = FakeOidcIssuer.start(idp)) {
            InMemoryStore store = new InMemoryStore();
            TrustPolicy policy = store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null,
                    null));
            TokenExchanger exchanger = TokenExchanger.builder().issuer(idp).store(store)
                    .provider(GitHubProvider.builder().issuer(github.issuer()).audience(idp).build()).build();
            Javalin app = Javalin.create(config -> config.registerPlugin(IdpPlugin.builder().exchanger(exchanger)
                    .store(store).adminToken(AdminToken.parse(admin)).build())).start(0);
            try {
                Http http = new Http("http://127.0.0.1:" + app.port());
                String path = "/api/v1/oidc/trust-policies/" + policy.id();
                for (String header : java.util.List.of("X-HTTP-Method-Override", "x-http-method-override",
                        "X-HTTP-Method", "X-Method-Override")) {
                    assertThat(http.sendWithHeader("GET", path, header, "DELETE", admin).status()).as(header)
                            .isEqualTo(200);
                }
                assertThat(store.trustPolicies().findById(policy.id())).isPresent();
                assertThat(http.send("HEAD", path, null, null, null).status()).isEqualTo(401);
                assertThat(http.send("HEAD", path, null, null, admin).status()).isEqualTo(200);
            } finally {
                app.stop();
            }
        }
    }
}
