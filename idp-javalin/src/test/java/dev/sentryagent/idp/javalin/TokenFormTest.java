package dev.sentryagent.idp.javalin;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Contract v2, section 1: the token endpoint's RFC 8693 form, as OAuth client libraries send it. */
class TokenFormTest extends PluginFixture {
    static final String GRANT = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
    static final String ID_TOKEN = "subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token";

    Http.Response postForm(String body) {
        return http.send("POST", "/api/v1/oidc/token", "application/x-www-form-urlencoded", body, null);
    }

    @Test
    void exchangeFormWhenNotValidPercentEncodingThenInvalidRequest() {
        for (String bad : List.of("subject_token=%ff", "subject_token=a%+1", "subject_token=%c3%28", "provider=%zz",
                "%zz=1", "subject_token=a%")) {
            assertError(postForm(GRANT + "&" + ID_TOKEN + "&" + bad), 400, "invalid_request",
                    "request body is not valid form encoding");
        }
    }
}
