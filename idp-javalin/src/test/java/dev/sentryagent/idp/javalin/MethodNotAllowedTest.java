package dev.sentryagent.idp.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * RFC 9110 section 15.5.6: a 405 "MUST generate an Allow header field" listing the methods the
 * path does support; the body stays the contract's error.
 */
class MethodNotAllowedTest extends PluginFixture {

    @Test
    void whenMethodNotAllowedOnTokenEndpointThenAllowListsPost() {
        Http.Response r = http.get("/api/v1/oidc/token", null);
        assertError(r, 405, "method_not_allowed", "Method GET is not allowed on /api/v1/oidc/token");
        assertThat(r.headers().allValues("Allow")).containsExactly("POST");
    }

    @Test
    void whenMethodNotAllowedOnAdminRoutesThenAllowListsTheirMethods() {
        Http.Response agents = http.send("PUT", "/api/v1/agents", "application/json", "{}", ADMIN);
        assertError(agents, 405, "method_not_allowed", "Method PUT is not allowed on /api/v1/agents");
        assertThat(agents.headers().allValues("Allow")).containsExactly("GET, POST, HEAD");

        String path = "/api/v1/oidc/trust-policies/" + UUID.randomUUID();
        Http.Response policy = http.send("POST", path, "application/json", "{}", ADMIN);
        assertError(policy, 405, "method_not_allowed", "Method POST is not allowed on " + path);
        assertThat(policy.headers().allValues("Allow")).containsExactly("GET, DELETE, HEAD");
    }

    @Test
    void whenClientAcceptsHtmlThenTheSameAllowHeader() {
        Http.Response r = http.sendWithHeader("DELETE", "/.well-known/jwks.json", "Accept", "text/html", null);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers().allValues("Allow")).containsExactly("GET, HEAD");
    }
}
