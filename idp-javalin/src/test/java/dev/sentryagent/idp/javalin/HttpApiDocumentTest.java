package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sentryagent.idp.javalin.internal.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The user-facing contract, {@code docs/http-api.md}, and what the plugin serves describe the same
 * routes: the document's status table names every route the document mentions, and the routes it
 * marks implemented are exactly those of the OpenAPI document and of the router.
 */
class HttpApiDocumentTest {
    /** A route as the document writes it in code spans: {@code `POST /api/v1/agents`}. */
    private static final Pattern ROUTE = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) (/[^`\\s]*)`");
    /** A row of the status table: {@code | `GET /health` | implemented |}. */
    private static final Pattern STATUS_ROW =
            Pattern.compile("(?m)^\\| `(GET|POST|PUT|PATCH|DELETE) (/[^`\\s]*)` \\| (implemented|not yet) \\|$");

    private static final Path DOCUMENT = Path.of("..", "docs", "http-api.md");

    @Test
    void whenDocumentMentionsRouteThenStatusTableListsIt() throws IOException {
        String document = Files.readString(DOCUMENT);
        Set<String> mentioned = new TreeSet<>();
        Matcher m = ROUTE.matcher(document);
        while (m.find()) {
            mentioned.add(m.group(1) + " " + m.group(2));
        }
        assertThat(mentioned).as("routes mentioned in " + DOCUMENT).isNotEmpty();
        assertThat(statusTable(document).keySet()).containsExactlyInAnyOrderElementsOf(mentioned);
    }

    @Test
    void whenRouteMarkedImplementedThenOpenApiDocumentListsItAndNoOther() throws IOException {
        assertThat(openApiRoutes()).containsExactlyInAnyOrderElementsOf(implemented());
    }

    @Test
    void whenRouteMarkedImplementedThenPluginRoutesItAndNoOther() throws IOException {
        assertThat(Routes.ALL).containsExactlyInAnyOrderElementsOf(implemented());
    }

    @Test
    void whenDocumentStatesItsVersionThenOpenApiDocumentHasTheSameMajorVersion() throws IOException {
        String title = Files.readString(DOCUMENT).lines().findFirst().orElseThrow();
        assertThat(title).matches("# SentryAgent IdP HTTP API, version \\d+");
        String version = title.substring(title.lastIndexOf(' ') + 1);
        assertThat(openApi().get("info").get("version").asText()).startsWith(version);
    }

    private static Set<String> implemented() throws IOException {
        Set<String> implemented = new TreeSet<>();
        statusTable(Files.readString(DOCUMENT)).forEach((route, status) -> {
            if (status.equals("implemented")) {
                implemented.add(route);
            }
        });
        return implemented;
    }

    private static Map<String, String> statusTable(String document) {
        Map<String, String> rows = new TreeMap<>();
        Matcher m = STATUS_ROW.matcher(document);
        while (m.find()) {
            String previous = rows.put(m.group(1) + " " + m.group(2), m.group(3));
            assertThat(previous).as("status row for " + m.group(1) + " " + m.group(2) + " given twice").isNull();
        }
        return rows;
    }

    private static Set<String> openApiRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openApi().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> routes.add(method.toUpperCase() + " " + path.getKey()));
        }
        return routes;
    }

    private static JsonNode openApi() throws IOException {
        try (InputStream in = IdpPlugin.class.getResourceAsStream("openapi.json")) {
            assertThat(in).as("openapi.json on the classpath").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
