package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Contract v2, section 1: the token endpoint's RFC 8693 form, as OAuth client libraries send it. */
class TokenFormTest extends PluginFixture {
    static final String GRANT = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
    static final String ID_TOKEN = "subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token";

    @BeforeAll
    void createPolicy() {
        createPolicy("repository", "octo-org/octo-repo");
    }

    Http.Response postForm(String body) {
        return http.send("POST", "/api/v1/oidc/token", "application/x-www-form-urlencoded", body, null);
    }

    /** A complete form with a fresh token, then {@code extra}. */
    Http.Response exchange(String extra) {
        return postForm(GRANT + "&subject_token=" + github.token().mint() + "&" + ID_TOKEN + extra);
    }

    /** The issued access token's claims, after checking the answer is 200. */
    static JsonNode claims(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String payload = r.json().get("access_token").asText().split("\\.")[1];
        try {
            return Http.MAPPER.readTree(Base64.getUrlDecoder().decode(payload));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void exchangeFormWhenNotValidPercentEncodingThenInvalidRequest() {
        for (String bad : List.of("subject_token=%ff", "subject_token=a%+1", "subject_token=%c3%28", "provider=%zz",
                "%zz=1", "subject_token=a%")) {
            assertError(postForm(GRANT + "&" + ID_TOKEN + "&" + bad), 400, "invalid_request",
                    "request body is not valid form encoding");
        }
    }

    @Test
    void exchangeFormWhenOptionalParametersAreSentWithoutValueThenTheyAreOmitted() {
        for (String empty : List.of("&scope=", "&audience=", "&provider=", "&requested_token_type=", "&resource=",
                "&client_id=", "&scope", "&scope=&audience=&resource=&provider=&requested_token_type=")) {
            JsonNode claims = claims(exchange(empty));
            assertThat(claims.get("scope").asText()).as(empty).isEqualTo("agents:write");
            assertThat(claims.get("aud").asText()).as(empty).isEqualTo(IDP);
        }
        assertThat(claims(exchange("&audience=&resource=" + IDP)).get("aud").asText()).isEqualTo(IDP);
        assertThat(claims(exchange("&resource=&audience=" + IDP)).get("aud").asText()).isEqualTo(IDP);
    }

    @Test
    void exchangeFormWhenAgentIdIsSentWithoutValueThenRefusedNotReadAsBootstrap() {
        // The one exception to "empty is omitted": an empty agent id would switch the mode to
        // bootstrap (agents:write) on a template's empty variable.
        assertError(exchange("&agent_id="), 400, "invalid_request",
                "agent_id must not be empty: give the agent's id, or leave agent_id out for a bootstrap token");
    }

    @Test
    void exchangeFormWithoutGrantTypeThenInvalidRequestSayingItIsRequired() {
        String token = github.token().mint();
        assertError(postForm("subject_token=" + token + "&" + ID_TOKEN), 400, "invalid_request",
                "grant_type is required");
        assertError(postForm("grant_type=&subject_token=" + token + "&" + ID_TOKEN), 400, "invalid_request",
                "grant_type is required");
        assertError(postForm("grant_type=client_credentials&subject_token=" + token + "&" + ID_TOKEN), 400,
                "unsupported_grant_type", "grant_type must be urn:ietf:params:oauth:grant-type:token-exchange");
    }

    @Test
    void exchangeFormWithoutSubjectTokenThenInvalidRequestNamingTheFormParameter() {
        assertError(postForm(GRANT + "&" + ID_TOKEN), 400, "invalid_request", "subject_token is required");
        assertError(postForm(GRANT + "&subject_token=&" + ID_TOKEN), 400, "invalid_request",
                "subject_token is required");
        assertError(postForm(GRANT + "&subject_token=+&" + ID_TOKEN), 400, "invalid_request",
                "subject_token is required");
    }

    @Test
    void exchangeFormWhenSubjectTokenTypeIsSentWithoutValueThenItIsMissing() {
        assertError(postForm(GRANT + "&subject_token=" + github.token().mint() + "&subject_token_type="), 400,
                "invalid_request", "subject_token_type must be urn:ietf:params:oauth:token-type:id_token or "
                        + "urn:ietf:params:oauth:token-type:jwt");
    }

    @Test
    void exchangeFormWhenAnEmptyParameterIsGivenTwiceThenStillInvalidRequest() {
        assertError(exchange("&scope=&scope=agents%3Awrite"), 400, "invalid_request",
                "parameter scope is given more than once");
    }
}
