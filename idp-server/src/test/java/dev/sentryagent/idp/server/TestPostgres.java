package dev.sentryagent.idp.server;

import dev.sentryagent.idp.testkit.LocalPostgres;
import java.util.UUID;

/** A fresh PostgreSQL database: on {@code IDP_TEST_PG_URL}'s server if given, else on a throwaway one. */
final class TestPostgres {
    private TestPostgres() {
    }

    static String[] newDatabase() {
        String url = System.getenv("IDP_TEST_PG_URL");
        if (url != null && !url.isBlank()) {
            // A shared external server: one database for everything, isolated by unique names in the tests.
            return new String[] {url, System.getenv().getOrDefault("IDP_TEST_PG_USER", "postgres"),
                    System.getenv().getOrDefault("IDP_TEST_PG_PASSWORD", "")};
        }
        LocalPostgres pg = LocalPostgres.shared();
        return new String[] {pg.createDatabase("http_" + UUID.randomUUID().toString().replace("-", "")), pg.user(), ""};
    }
}
