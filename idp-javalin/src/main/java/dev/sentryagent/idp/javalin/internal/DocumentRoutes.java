package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.AccessTokenIssuer;
import dev.sentryagent.idp.core.Scopes;
import dev.sentryagent.idp.core.spi.IdpStore;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The public documents (discovery, JWKS, OpenAPI) and the health check. */
final class DocumentRoutes {
    private final AccessTokenIssuer tokens;
    private final IdpStore store;
    private final String openApi;

    DocumentRoutes(AccessTokenIssuer tokens, IdpStore store, String openApi) {
        this.tokens = tokens;
        this.store = store;
        this.openApi = openApi;
    }

    void register(JavalinDefaultRoutingApi routes) {
        routes.get("/.well-known/openid-configuration", ErrorResponses.guard(this::discovery));
        routes.get("/.well-known/jwks.json", ErrorResponses.guard(this::jwks));
        routes.get("/health", ErrorResponses.guard(this::health));
        routes.get(Routes.API + "/openapi.json", ErrorResponses.guard(ctx ->
                ctx.contentType("application/json").result(openApi)));
    }

    private void discovery(Context ctx) {
        String base = tokens.issuer().replaceAll("/+$", "");
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("issuer", tokens.issuer());
        doc.put("token_endpoint", base + Routes.API + "/oidc/token");
        doc.put("jwks_uri", base + "/.well-known/jwks.json");
        doc.putArray("grant_types_supported").add(ExchangeRequestConverter.TOKEN_EXCHANGE_GRANT);
        doc.putArray("token_endpoint_auth_methods_supported").add("none");
        doc.putArray("scopes_supported").add(Scopes.AGENTS_WRITE).add(Scopes.AGENT);
        doc.putArray("response_types_supported").add("token");
        ctx.header("Cache-Control", "public, max-age=300");
        Json.respond(ctx, 200, doc);
    }

    private void jwks(Context ctx) {
        // Short: a new key is published a minute before it signs.
        ctx.header("Cache-Control", "public, max-age=30");
        ctx.status(200).contentType("application/jwk-set+json").result(tokens.jwksJson());
    }

    private void health(Context ctx) {
        store.checkHealth();
        ObjectNode ok = Json.MAPPER.createObjectNode();
        ok.put("status", "ok");
        Json.respond(ctx, 200, ok);
    }
}
