package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Contract v2, section 3, and RFC 8414 section 2: the metadata documents advertise what the
 * server does. There is no authorization endpoint, so no response type: {@code response_types_supported}
 * (which RFC 8414 requires) is empty, never a flow the server does not have.
 */
class ServerMetadataTest extends PluginFixture {

    @Test
    void whenMetadataIsReadThenNoResponseTypeAndNoAuthorizationEndpointIsAdvertised() {
        for (String path : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            Http.Response r = http.get(path, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode metadata = r.json();
            assertThat(metadata.get("response_types_supported").isArray()).as(path).isTrue();
            assertThat(metadata.get("response_types_supported")).as(path).isEmpty();
            assertThat(metadata.has("authorization_endpoint")).as(path).isFalse();
            assertThat(metadata.get("grant_types_supported").toString()).as(path)
                    .isEqualTo("[\"urn:ietf:params:oauth:grant-type:token-exchange\"]");
            assertThat(metadata.get("token_endpoint").asText()).as(path).isEqualTo(IDP + "/api/v1/oidc/token");
        }
    }
}
