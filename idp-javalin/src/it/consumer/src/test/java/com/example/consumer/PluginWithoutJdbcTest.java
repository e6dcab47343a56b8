package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.javalin.IdpPlugin;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an application that depends on idp-javalin alone gets, and does not get. */
class PluginWithoutJdbcTest {

    @Test
    void whenPluginMountedOnInMemoryStoreThenHealthAndJwksAnswerOverHttp() throws Exception {
        InMemoryStore store = new InMemoryStore();
        TokenExchanger exchanger = TokenExchanger.builder().issuer("http://localhost:8080").store(store)
                .provider(GitHubProvider.builder().issuer("https://token.actions.githubusercontent.com")
                        .audience("http://localhost:8080").build())
                .build();
        Javalin app = Javalin.create(config -> config.registerPlugin(
                IdpPlugin.builder().exchanger(exchanger).store(store).build())).start("127.0.0.1", 0);
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> jwks = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/.well-known/jwks.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, jwks.statusCode(), jwks.body());
            assertTrue(jwks.body().contains("\"kty\":\"EC\""), jwks.body());
        } finally {
            app.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.h2.Driver", "org.postgresql.Driver", "org.jdbi.v3.core.Jdbi",
            "com.zaxxer.hikari.HikariDataSource", "org.flywaydb.core.Flyway", "dev.sentryagent.idp.jdbc.JdbcStore"})
    void whenDependingOnIdpJavalinAloneThenNoJdbcStackIsOnTheClasspath(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }

    @Test
    void whenDependingOnIdpJavalinThenJacksonIsTheVersionTheBuildTests() {
        assertEquals(System.getProperty("build.jackson.version"), PackageVersion.VERSION.toString());
    }
}
