package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contract v2, section 3: revocation (RFC 7009) and introspection (RFC 7662) take a form whose
 * other parameters are ignored, as RFC 6749 section 3.2 requires of OAuth endpoints: clients send
 * {@code client_id}, {@code client_secret}, {@code resource} and more.
 */
class RevocationIntrospectionFormTest extends PluginFixture {
    static final String FORM = "application/x-www-form-urlencoded";

    @BeforeAll
    void createPolicy() {
        createPolicy("repository", "octo-org/octo-repo");
    }

    String accessToken() {
        Http.Response r = http.exchange(github.token().mint(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    Http.Response revoke(String body) {
        return http.send("POST", "/api/v1/oidc/revoke", FORM, body, null);
    }

    Http.Response introspect(String body) {
        return http.send("POST", "/api/v1/oidc/introspect", FORM, body, INTROSPECTION);
    }

    @Test
    void revokeWhenClientSendsOtherParametersThenTheyAreIgnoredAndTheTokenIsRevoked() {
        String token = accessToken();
        Http.Response r = revoke("token=" + token + "&client_id=x&client_secret=y&resource=https%3A%2F%2Fapi.example"
                + "&token_type_hint=access_token");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(introspect("token=" + token).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void introspectWhenClientSendsOtherParametersThenTheyAreIgnored() {
        Http.Response r = introspect("token=" + accessToken() + "&client_secret=y&audience=z&foo");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("active").asBoolean()).isTrue();
    }

    @Test
    void revokeOrIntrospectWhenAParameterIsGivenTwiceThenStillInvalidRequest() {
        assertError(revoke("token=a&client_secret=y&client_secret=y"), 400, "invalid_request",
                "parameter client_secret is given more than once");
        assertError(introspect("token=a&foo=1&foo=2"), 400, "invalid_request", "parameter foo is given more than once");
    }

    @Test
    void revokeWhenBodyIsOnlyASecretThenTheErrorDoesNotEchoIt() {
        String secret = "s3cr3t-opaque-value-0123456789-abcdefghijklmnopqrstuvwxyz";
        Http.Response r = revoke(secret);
        assertError(r, 400, "invalid_request", "token is required");
        assertThat(r.body()).doesNotContain(secret.substring(0, 12));
    }
}
