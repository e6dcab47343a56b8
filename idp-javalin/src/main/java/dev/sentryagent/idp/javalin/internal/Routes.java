package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.AgentRegistrar;
import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.IdpException;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.NotFoundException;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.Scopes;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TokenIntrospector;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.javalin.AdminToken;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the HTTP contract. Each parses its input, calls the library once, and maps the
 * result or the exception to the wire; no rule of the IdP lives here.
 */
public final class Routes {
    public static final String API = "/api/v1";
    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final int MAX_TOKEN_CHARS = GitHubProvider.MAX_TOKEN_LENGTH;
    public static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Set<String> SUBJECT_TOKEN_TYPES = Set.of(
            "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:jwt");
    private static final Set<String> FORM_PARAMS = Set.of("grant_type", "subject_token", "subject_token_type",
            "agent_id", "provider", "requested_token_type");
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** Every route this adapter serves: method and path, as the OpenAPI document lists them. */
    public static final List<String> ALL = List.of(
            "POST " + API + "/oidc/token",
            "POST " + API + "/oidc/trust-policies",
            "GET " + API + "/oidc/trust-policies",
            "GET " + API + "/oidc/trust-policies/{id}",
            "DELETE " + API + "/oidc/trust-policies/{id}",
            "POST " + API + "/agents",
            "GET " + API + "/agents",
            "GET " + API + "/agents/{id}",
            "DELETE " + API + "/agents/{id}",
            "GET /.well-known/openid-configuration",
            "GET /.well-known/jwks.json",
            "GET /health",
            "GET " + API + "/openapi.json");

    private final TokenExchanger exchanger;
    private final IdpStore store;
    private final AgentRegistrar registrar;
    private final AdminToken adminToken;
    private final String openApi;

    public Routes(TokenExchanger exchanger, IdpStore store, AdminToken adminToken, String openApi) {
        this.exchanger = exchanger;
        this.store = store;
        this.registrar = new AgentRegistrar(exchanger, store.agents(), new TokenIntrospector(exchanger, store));
        this.adminToken = adminToken;
        this.openApi = openApi;
    }

    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(API + "/oidc/token", guard(this::token));
        routes.post(API + "/oidc/trust-policies", guard(admin(this::createPolicy)));
        routes.get(API + "/oidc/trust-policies", guard(admin(this::listPolicies)));
        routes.get(API + "/oidc/trust-policies/{id}", guard(admin(this::getPolicy)));
        routes.delete(API + "/oidc/trust-policies/{id}", guard(admin(this::deletePolicy)));
        routes.post(API + "/agents", guard(this::createAgent));
        routes.get(API + "/agents", guard(admin(this::listAgents)));
        routes.get(API + "/agents/{id}", guard(admin(this::getAgent)));
        routes.delete(API + "/agents/{id}", guard(admin(this::deleteAgent)));
        routes.get("/.well-known/openid-configuration", guard(this::discovery));
        routes.get("/.well-known/jwks.json", guard(this::jwks));
        routes.get("/health", guard(this::health));
        routes.get(API + "/openapi.json", guard(ctx -> {
            ctx.contentType("application/json").result(openApi);
        }));
    }

    // ---- token exchange

    private void token(Context ctx) {
        noStore(ctx);
        String type = Bodies.mediaType(ctx);
        if (!type.equals(Bodies.JSON) && !type.equals(Bodies.FORM)) {
            throw Bodies.unsupportedMediaType(Bodies.JSON + " or " + Bodies.FORM);
        }
        byte[] body = Bodies.read(ctx, MAX_BODY_BYTES);
        String provider;
        String token;
        UUID agentId;
        if (type.equals(Bodies.JSON)) {
            ObjectNode json = Json.object(body, Set.of("token", "provider", "agentId"));
            token = Json.string(json, "token");
            provider = Json.string(json, "provider");
            agentId = Json.uuid(json, "agentId");
        } else {
            Map<String, String> form = Bodies.form(body);
            for (String name : form.keySet()) {
                if (!FORM_PARAMS.contains(name)) {
                    throw new InvalidRequestException("unknown parameter \"" + Json.printable(name)
                            + "\"; allowed: " + String.join(", ", FORM_PARAMS.stream().sorted().toList()));
                }
            }
            if (!TOKEN_EXCHANGE_GRANT.equals(form.get("grant_type"))) {
                throw new InvalidRequestException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                        "grant_type must be " + TOKEN_EXCHANGE_GRANT);
            }
            String subjectType = form.get("subject_token_type");
            if (subjectType == null || !SUBJECT_TOKEN_TYPES.contains(subjectType)) {
                throw new InvalidRequestException("subject_token_type must be "
                        + String.join(" or ", SUBJECT_TOKEN_TYPES.stream().sorted().toList()));
            }
            String requested = form.get("requested_token_type");
            if (requested != null && !requested.equals(ExchangeResult.ISSUED_TOKEN_TYPE)) {
                throw new InvalidRequestException("requested_token_type must be " + ExchangeResult.ISSUED_TOKEN_TYPE);
            }
            token = form.get("subject_token");
            provider = form.get("provider");
            agentId = Json.uuid("agent_id", form.get("agent_id"));
        }
        if (token != null && token.length() > MAX_TOKEN_CHARS) {
            throw HttpError.tooLarge("token", MAX_TOKEN_CHARS);
        }
        ExchangeResult result = exchanger.exchange(new ExchangeRequest(
                provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, token, agentId));
        json(ctx, 200, Json.exchange(result));
    }

    // ---- trust policies

    private void createPolicy(Context ctx) {
        ObjectNode json = Json.object(Bodies.json(ctx, MAX_BODY_BYTES), Set.of("provider", "repository", "branch",
                "agentId", "repositoryId", "repositoryOwnerId"));
        String provider = Json.string(json, "provider");
        TrustPolicy policy = store.trustPolicies().create(TrustPolicy.create(
                provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, Json.string(json, "repository"),
                Json.string(json, "branch"), Json.uuid(json, "agentId"), Json.positiveLong(json, "repositoryId"),
                Json.positiveLong(json, "repositoryOwnerId")));
        LOG.info("trust-policy created id={} provider={} repository={} branch={} agent={}", policy.id(),
                policy.provider(), policy.repository(), policy.branch(), policy.agentId());
        ctx.header("Location", API + "/oidc/trust-policies/" + policy.id());
        json(ctx, 201, Json.policy(policy));
    }

    private void listPolicies(Context ctx) {
        allowQuery(ctx, "agentId", "repository", "provider", "limit", "cursor");
        TrustPolicyQuery query = new TrustPolicyQuery(ctx.queryParam("provider"), ctx.queryParam("repository"),
                Json.uuid("agentId", ctx.queryParam("agentId")), page(ctx));
        json(ctx, 200, Json.page(store.trustPolicies().list(query), Json::policy));
    }

    private void getPolicy(Context ctx) {
        UUID id = pathId(ctx);
        json(ctx, 200, Json.policy(store.trustPolicies().findById(id)
                .orElseThrow(() -> new NotFoundException("No trust policy with id " + id))));
    }

    private void deletePolicy(Context ctx) {
        UUID id = pathId(ctx);
        if (!store.trustPolicies().delete(id)) {
            throw new NotFoundException("No trust policy with id " + id);
        }
        LOG.info("trust-policy deleted id={}", id);
        ctx.status(204);
    }

    // ---- agents

    private void createAgent(Context ctx) {
        String bearer = bearer(ctx);
        ObjectNode json = Json.object(Bodies.json(ctx, MAX_BODY_BYTES), Set.of("name", "description"));
        String name = Json.string(json, "name");
        String description = Json.string(json, "description");
        Agent agent;
        if (adminToken != null && adminToken.matches(bearer)) {
            agent = registrar.registerAsAdmin(name, description);
        } else {
            agent = registrar.registerWithToken(bearer, name, description);
        }
        ctx.header("Location", API + "/agents/" + agent.id());
        json(ctx, 201, Json.agent(agent));
    }

    private void listAgents(Context ctx) {
        allowQuery(ctx, "limit", "cursor");
        json(ctx, 200, Json.page(store.agents().list(page(ctx)), Json::agent));
    }

    private void getAgent(Context ctx) {
        UUID id = pathId(ctx);
        json(ctx, 200, Json.agent(store.agents().findById(id)
                .orElseThrow(() -> new NotFoundException("No agent with id " + id))));
    }

    private void deleteAgent(Context ctx) {
        UUID id = pathId(ctx);
        if (!store.agents().delete(id)) {
            throw new NotFoundException("No agent with id " + id);
        }
        LOG.info("agent deleted id={} (and its trust policies)", id);
        ctx.status(204);
    }

    // ---- documents and health

    private void discovery(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        json(ctx, 200, AuthorizationServerMetadata.document(exchanger.issuer()));
    }

    private void jwks(Context ctx) {
        // Short: a new key is published a minute before it signs.
        ctx.header("Cache-Control", "public, max-age=30");
        ctx.status(200).contentType("application/jwk-set+json").result(exchanger.jwksJson());
    }

    private void health(Context ctx) {
        store.checkHealth();
        ObjectNode ok = Json.MAPPER.createObjectNode();
        ok.put("status", "ok");
        json(ctx, 200, ok);
    }

    // ---- plumbing

    private Handler admin(Handler handler) {
        return ctx -> {
            if (adminToken == null) {
                throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(),
                        "Admin routes are disabled: the server has no admin token (set IDP_ADMIN_TOKEN)");
            }
            String bearer = bearer(ctx);
            if (!adminToken.matches(bearer)) {
                throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(), "The bearer token is not the admin token",
                        "Bearer error=\"invalid_token\"");
            }
            handler.handle(ctx);
        };
    }

    /** The bearer token of the request; 401 when there is none. */
    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "Missing bearer token: send Authorization: Bearer <token>", "Bearer");
        }
        return header.substring(7).trim();
    }

    private static UUID pathId(Context ctx) {
        return Json.uuid("id", ctx.pathParam("id"));
    }

    private static PageRequest page(Context ctx) {
        String limit = ctx.queryParam("limit");
        int n = PageRequest.DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT);
            }
        }
        return PageRequest.of(n, ctx.queryParam("cursor"));
    }

    private static void allowQuery(Context ctx, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (String name : ctx.queryParamMap().keySet()) {
            if (!names.contains(name)) {
                throw new InvalidRequestException("unknown query parameter \"" + Json.printable(name) + "\"; allowed: "
                        + String.join(", ", allowed));
            }
        }
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (e.getValue().size() > 1) {
                throw new InvalidRequestException("query parameter " + e.getKey() + " is given more than once");
            }
        }
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }

    /** Request attribute set on every request one of these routes handled, error or not. */
    public static final String ANSWERED = "sentryagent.idp.answered";

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /**
     * Wraps a handler so that every failure becomes a JSON error and nothing else leaks, and
     * marks the request as answered by this adapter (see {@link #ANSWERED}).
     */
    public static Handler guard(Handler handler) {
        return ctx -> {
            ctx.attribute(ANSWERED, Boolean.TRUE);
            try {
                handler.handle(ctx);
            } catch (HttpError e) {
                if (e.wwwAuthenticate() != null) {
                    ctx.header("WWW-Authenticate", e.wwwAuthenticate());
                }
                json(ctx, e.status(), Json.error(e.error(), e.getMessage()));
            } catch (IdpException e) {
                int status = status(e.code());
                if (e.code() == ErrorCode.INVALID_TOKEN) {
                    ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                } else if (e.code() == ErrorCode.INSUFFICIENT_SCOPE) {
                    ctx.header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + Scopes.AGENTS_WRITE + "\"");
                }
                if (e instanceof UnavailableException) {
                    ctx.header("Retry-After", "5");
                }
                json(ctx, status, Json.error(e.code().wireName(), e.getMessage()));
            } catch (Exception e) {
                LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                json(ctx, 500, Json.error(ErrorCode.SERVER_ERROR.wireName(), "Internal server error"));
            }
        };
    }

    public static int status(ErrorCode code) {
        return STATUS.get(code);
    }

    private static final Map<ErrorCode, Integer> STATUS = new LinkedHashMap<>();

    static {
        STATUS.put(ErrorCode.INVALID_REQUEST, 400);
        STATUS.put(ErrorCode.UNSUPPORTED_GRANT_TYPE, 400);
        STATUS.put(ErrorCode.INVALID_TOKEN, 401);
        STATUS.put(ErrorCode.ACCESS_DENIED, 403);
        STATUS.put(ErrorCode.INSUFFICIENT_SCOPE, 403);
        STATUS.put(ErrorCode.NOT_FOUND, 404);
        STATUS.put(ErrorCode.CONFLICT, 409);
        STATUS.put(ErrorCode.TEMPORARILY_UNAVAILABLE, 503);
        STATUS.put(ErrorCode.SERVER_ERROR, 500);
    }
}
