package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.Scopes;

/**
 * The server metadata document, one for both {@code /.well-known/openid-configuration} and
 * {@code /.well-known/oauth-authorization-server} (RFC 8414): the same endpoints in each, and
 * nothing the server does not do (no authorization endpoint, so no response type).
 */
final class AuthorizationServerMetadata {
    private AuthorizationServerMetadata() {
    }

    static ObjectNode document(String issuer) {
        String base = issuer.replaceAll("/+$", "");
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("issuer", issuer);
        doc.put("token_endpoint", base + Routes.API + "/oidc/token");
        doc.put("jwks_uri", base + "/.well-known/jwks.json");
        doc.put("revocation_endpoint", base + Routes.API + "/oidc/revoke");
        doc.put("introspection_endpoint", base + Routes.API + "/oidc/introspect");
        doc.putArray("grant_types_supported").add(ExchangeRequestConverter.TOKEN_EXCHANGE_GRANT);
        doc.putArray("token_endpoint_auth_methods_supported").add("none");
        doc.putArray("revocation_endpoint_auth_methods_supported").add("none");
        doc.putArray("scopes_supported").add(Scopes.AGENTS_WRITE).add(Scopes.AGENT);
        // RFC 8414 requires the member; without an authorization endpoint no response type is
        // supported, and "token" advertised the implicit flow.
        doc.putArray("response_types_supported");
        return doc;
    }
}
