package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.AccessTokenIssuer;
import dev.sentryagent.idp.core.spi.IdpStore;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The public documents (discovery and RFC 8414 metadata, JWKS, OpenAPI) and the health check. */
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
        routes.get("/.well-known/oauth-authorization-server", ErrorResponses.guard(this::discovery));
        routes.get("/.well-known/jwks.json", ErrorResponses.guard(this::jwks));
        routes.get("/health", ErrorResponses.guard(this::health));
        routes.get(Routes.API + "/openapi.json", ErrorResponses.guard(ctx ->
                ctx.contentType("application/json").result(openApi)));
    }

    private void discovery(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        Json.respond(ctx, 200, AuthorizationServerMetadata.document(tokens.issuer()));
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
