package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.javalin.Http;
import org.junit.jupiter.api.Test;

/**
 * One provider's key set down, then another's (contract section 6): the provider that needs its
 * keys answers 503 with Retry-After, every other provider keeps exchanging.
 */
class ProviderOutageHttpTest {

    @Test
    void whenOneProvidersKeysAreDownThenOnlyItsExchangesAre503() {
        try (ThreeProviders f = new ThreeProviders()) {
            for (String provider : new String[] {"github", "ghes", "gitlab"}) {
                Http.Response r = f.http.postJson("/api/v1/oidc/trust-policies", map("provider", provider,
                        "repository", provider.equals("gitlab") ? "acme/platform/outage" : "octo-org/outage"),
                        ThreeProviders.ADMIN);
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }

            // GitLab's key endpoint down before the IdP ever fetched it (as at start: keys are fetched lazily).
            f.gitlab.jwksDown();
            Http.Response down = exchange(f, "gitlab", f.gitlab.token().projectPath("acme/platform/outage").mint());
            ServerFixture.assertError(down, 503, "temporarily_unavailable", "The signing keys of issuer "
                    + f.gitlab.issuer() + " cannot be fetched: GET " + f.gitlab.jwksUri() + " answered HTTP 503");
            assertThat(down.header("Retry-After")).isNotNull();
            assertThat(exchange(f, "github", f.github.token().repository("octo-org/outage").mint()).status())
                    .isEqualTo(200);

            // Then the GitHub Enterprise Server's, while GitLab's comes back.
            f.gitlab.jwksHealthy();
            f.ghes.jwksDown();
            Http.Response ghesDown = exchange(f, "ghes", f.ghes.token().repository("octo-org/outage").mint());
            ServerFixture.assertError(ghesDown, 503, "temporarily_unavailable", "The signing keys of issuer "
                    + f.ghes.issuer() + " cannot be fetched: ");
            assertThat(ghesDown.header("Retry-After")).isNotNull();
            assertThat(exchange(f, "github", f.github.token().repository("octo-org/outage").mint()).status())
                    .isEqualTo(200);
        }
    }

    private static Http.Response exchange(ThreeProviders f, String provider, String token) {
        return f.http.postJson("/api/v1/oidc/token", map("token", token, "provider", provider), null);
    }
}
