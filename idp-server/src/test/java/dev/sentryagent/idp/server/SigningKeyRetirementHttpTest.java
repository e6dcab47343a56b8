package dev.sentryagent.idp.server;

import static dev.sentryagent.idp.javalin.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.Http;
import dev.sentryagent.idp.javalin.IdpPlugin;
import dev.sentryagent.idp.jdbc.JdbcStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import dev.sentryagent.idp.testkit.MutableClock;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.UUID;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/**
 * A rotated-out key stays published while tokens it signed may be valid, then leaves the JWKS and
 * the store (private key and all): over real HTTP, on H2, with the exchanger's clock moved by hand.
 */
class SigningKeyRetirementHttpTest {
    static final String IDP = "http://localhost:8080";
    static final String ADMIN = "retirement-admin-secret-0123456789abcdef";

    static String kid(String token) throws Exception {
        return JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue();
    }

    @Test
    void rotatedOutKeyPublishedUntilItsTokensExpiredThenLeavesJwksAndStore() throws Exception {
        MutableClock clock = MutableClock.now();
        try (FakeOidcIssuer github = FakeOidcIssuer.start(IDP);
             JdbcStore store = JdbcStore.builder().url("jdbc:h2:mem:retire-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                     .build()) {
            store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
            TokenExchanger exchanger = TokenExchanger.builder().issuer(IDP).store(store).clock(clock)
                    .signingKeyRefresh(Duration.ofSeconds(1))
                    .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build();
            Javalin app = Javalin.create(config -> config.registerPlugin(IdpPlugin.builder().exchanger(exchanger)
                    .store(store).adminToken(AdminToken.parse(ADMIN)).build())).start(0);
            try {
                Http http = new Http("http://127.0.0.1:" + app.port());
                String old = http.exchange(github.token().mint(), null).json().get("access_token").asText();
                String oldKid = kid(old);

                String newKid = http.postJson("/api/v1/keys/rotate", "{}", ADMIN).json().get("kid").asText();
                clock.advance(Duration.ofMinutes(10));

                assertThat(http.postJson("/api/v1/agents", map("name", "old-key"), old).status())
                        .as("a token the old key signed still verifies").isEqualTo(201);
                assertThat(ServerProcess.kids(http.get("/.well-known/jwks.json", null).body()))
                        .containsExactly(newKid, oldKid);
                assertThat(http.get("/api/v1/keys", ADMIN).json().get("items").findValuesAsText("status"))
                        .containsExactly("active", "published");

                // Past the longest token lifetime (1 h) plus skew since the rotation: nothing it signed is valid.
                clock.advance(Duration.ofMinutes(70));

                assertThat(ServerProcess.kids(http.get("/.well-known/jwks.json", null).body())).containsExactly(newKid);
                assertThat(store.signingKeys().loadAll()).extracting(SigningKey::kid).containsExactly(newKid);
                assertThat(http.get("/api/v1/keys", ADMIN).json().get("items").findValuesAsText("kid"))
                        .containsExactly(newKid);
                String fresh = http.exchange(github.token().mint(), null).json().get("access_token").asText();
                assertThat(kid(fresh)).isEqualTo(newKid);
            } finally {
                app.stop();
            }
        }
    }
}
