package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.AgentRegistrar;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.IdpPlugin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;

/**
 * The routes of the HTTP contract, in four groups: token exchange, trust policies, agents, and the
 * documents with the health check. Each route converts its input, calls the library once, and
 * maps the result; failures map to the wire in {@link ErrorResponses}. No rule of the IdP lives here.
 */
public final class Routes {
    public static final String API = "/api/v1";
    public static final int MAX_BODY_BYTES = IdpPlugin.MAX_BODY_BYTES;

    /** Every route this adapter serves: method and path, as the OpenAPI document lists them. */
    public static final List<String> ALL = List.of(
            "POST " + API + "/oidc/token",
            "POST " + API + "/oidc/trust-policies",
            "GET " + API + "/oidc/trust-policies",
            "GET " + API + "/oidc/trust-policies/{id}",
            "DELETE " + API + "/oidc/trust-policies/{id}",
            "POST " + ExplainRoute.PATH,
            "POST " + API + "/agents",
            "GET " + API + "/agents",
            "GET " + API + "/agents/{id}",
            "DELETE " + API + "/agents/{id}",
            "GET /.well-known/openid-configuration",
            "GET /.well-known/jwks.json",
            "GET /health",
            "GET " + API + "/openapi.json");

    private final TokenExchangeRoutes tokenExchange;
    private final TrustPolicyRoutes trustPolicies;
    private final AgentRoutes agents;
    private final DocumentRoutes documents;
    private volatile RouteIndex index;

    public Routes(TokenExchanger exchanger, IdpStore store, AdminToken adminToken, String openApi) {
        Authorization authorization = new Authorization(adminToken);
        this.tokenExchange = new TokenExchangeRoutes(exchanger);
        this.trustPolicies = new TrustPolicyRoutes(store.trustPolicies(), exchanger, authorization);
        this.agents = new AgentRoutes(store.agents(), new AgentRegistrar(exchanger.accessTokenIssuer(), store),
                authorization);
        this.documents = new DocumentRoutes(exchanger.accessTokenIssuer(), store, openApi);
    }

    public void register(JavalinDefaultRoutingApi app) {
        RouteIndex routes = new RouteIndex(app);
        tokenExchange.register(routes);
        trustPolicies.register(routes);
        agents.register(routes);
        documents.register(routes);
        index = routes;
    }

    /**
     * True when the route for this request refuses it on its {@code Authorization} header alone
     * (admin routes without the admin token, agent registration without a bearer token), before
     * reading its body; false for any other request, and before {@link #register}.
     */
    public boolean refusedOnCredentials(String method, String path, String authorizationHeader) {
        RouteIndex routes = index;
        return routes != null && routes.refusedOnCredentials(method, path, authorizationHeader);
    }
}
