package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.javalin.internal.Routes;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import io.javalin.Javalin;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the real routes describe the same API. */
class OpenApiDocumentTest {

    @Test
    void servedDocumentListsExactlyTheRoutesTheServerAnswers() throws Exception {
        try (FakeOidcIssuer github = FakeOidcIssuer.start("http://localhost:8080")) {
            InMemoryStore store = new InMemoryStore();
            TokenExchanger exchanger = TokenExchanger.builder().issuer("http://localhost:8080").store(store)
                    .provider(GitHubProvider.builder().issuer(github.issuer()).audience("http://localhost:8080").build())
                    .build();
            Javalin app = Javalin.create(config -> config.registerPlugin(IdpPlugin.builder().exchanger(exchanger)
                    .store(store).build())).start(0);
            try {
                Http http = new Http("http://127.0.0.1:" + app.port());
                Http.Response served = http.get("/api/v1/openapi.json", null);
                assertThat(served.status()).isEqualTo(200);
                JsonNode doc = served.json();
                assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

                Set<String> documented = new TreeSet<>();
                for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                    Map.Entry<String, JsonNode> path = paths.next();
                    path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
                }
                assertThat(documented).containsExactlyInAnyOrderElementsOf(Routes.ALL);

                for (String route : documented) {
                    String method = route.substring(0, route.indexOf(' '));
                    String path = route.substring(route.indexOf(' ') + 1)
                            .replace("{id}", "00000000-0000-4000-8000-000000000000");
                    Http.Response r = http.send(method, path, null, null, null);
                    assertThat(r.status()).as(route + " is routed").isNotEqualTo(405);
                    if (r.status() == 404) {
                        assertThat(r.body()).as(route + " is routed").startsWith("{\"error\"");
                    }
                    for (Iterator<String> codes = doc.get("paths").get(route.substring(route.indexOf(' ') + 1))
                            .get(method.toLowerCase()).get("responses").fieldNames(); codes.hasNext(); ) {
                        assertThat(codes.next()).matches("[1-5]\\d\\d");
                    }
                    assertThat(doc.get("paths").get(route.substring(route.indexOf(' ') + 1)).get(method.toLowerCase())
                            .get("responses").has(Integer.toString(r.status())))
                            .as(route + " answered " + r.status() + ", which the document lists").isTrue();
                }
            } finally {
                app.stop();
            }
        }
    }
}
