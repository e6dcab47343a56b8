package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.IntrospectedToken;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.SigningKeyInfo;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TokenIntrospector;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.TrustedProxies;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of a token's life after it is issued: revocation (RFC 7009), introspection
 * (RFC 7662), the RFC 8414 metadata document, signing keys, and the audit events. Like
 * {@link Routes}, each parses its input, calls the library once and maps the answer.
 */
public final class TokenLifecycleRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TokenLifecycleRoutes.class);
    private static final String API = Routes.API;

    /** Every route this group serves: method and path, as the OpenAPI document lists them. */
    public static final List<String> ALL = List.of(
            "POST " + API + "/oidc/revoke",
            "POST " + API + "/oidc/introspect",
            "GET /.well-known/oauth-authorization-server",
            "POST " + API + "/keys/rotate",
            "GET " + API + "/keys",
            "GET " + API + "/audit-events");

    private final TokenExchanger exchanger;
    private final TokenIntrospector introspector;
    private final AuditTrail audit;
    private final AdminToken adminToken;
    private final AdminToken introspectionToken;
    private final TrustedProxies trustedProxies;

    public TokenLifecycleRoutes(TokenExchanger exchanger, TokenIntrospector introspector, AuditTrail audit,
                                AdminToken adminToken, AdminToken introspectionToken, TrustedProxies trustedProxies) {
        this.exchanger = exchanger;
        this.introspector = introspector;
        this.audit = audit;
        this.adminToken = adminToken;
        this.introspectionToken = introspectionToken;
        this.trustedProxies = trustedProxies;
    }

    public void register(JavalinDefaultRoutingApi routes) {
        // Every request's client, for the audit events its handler may record (see AuditTrail.bindOrigin).
        routes.before(ctx -> AuditTrail.bindOrigin(
                trustedProxies.clientAddress(ctx.req().getRemoteAddr(), java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For"))),
                ctx.header("User-Agent")));
        routes.after(ctx -> AuditTrail.clearOrigin());
        routes.post(API + "/oidc/revoke", Routes.guard(this::revoke));
        routes.post(API + "/oidc/introspect", Routes.guard(this::introspect));
        routes.get("/.well-known/oauth-authorization-server", Routes.guard(this::metadata));
        routes.post(API + "/keys/rotate", Routes.guard(this::rotateKey));
        routes.get(API + "/keys", Routes.guard(this::listKeys));
        routes.get(API + "/audit-events", Routes.guard(this::auditEvents));
    }

    // ---- revocation and introspection

    private void revoke(Context ctx) {
        noStore(ctx);
        String token = formToken(ctx);
        // No client authentication (the contract): holding a token is the right to revoke it, so the
        // admin bearer, though accepted, changes nothing. RFC 7009: the same empty 200 whether the token was ours, valid, expired or garbage.
        Optional<IntrospectedToken> revoked = introspector.revoke(token);
        revoked.ifPresent(t -> audit.record(audit.event(AuditEvent.TOKEN_REVOKE, AuditEvent.OK)
                .provider(t.provider()).repository(t.repository()).ref(t.ref()).agentId(t.agentId())
                .policyId(t.policyId()).tokenJti(t.jti()).build()));
        ctx.status(200).result("");
    }

    private void introspect(Context ctx) {
        noStore(ctx);
        if (adminToken == null && introspectionToken == null) {
            throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(), "Introspection is disabled: the "
                    + "server has neither an introspection token nor an admin token (set IDP_INTROSPECTION_TOKEN)");
        }
        String bearer = optionalBearer(ctx);
        if (bearer == null) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "Missing bearer token: send Authorization: Bearer <introspection or admin token>", "Bearer");
        }
        if (!(introspectionToken != null && introspectionToken.matches(bearer))
                && !(adminToken != null && adminToken.matches(bearer))) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "The bearer token is neither the introspection token nor the admin token",
                    "Bearer error=\"invalid_token\"");
        }
        String token = formToken(ctx);
        ObjectNode body = Json.MAPPER.createObjectNode();
        Optional<IntrospectedToken> active = introspector.introspect(token);
        if (active.isEmpty()) {
            body.put("active", false);
        } else {
            IntrospectedToken t = active.get();
            body.put("active", true);
            body.put("scope", t.scope());
            body.put("client_id", t.clientId());
            body.put("sub", t.subject());
            if (t.audience().size() == 1) {
                body.put("aud", t.audience().get(0));
            } else {
                ArrayNode aud = body.putArray("aud");
                t.audience().forEach(aud::add);
            }
            body.put("iss", t.issuer());
            body.put("exp", t.expiresAt().getEpochSecond());
            if (t.issuedAt() != null) {
                body.put("iat", t.issuedAt().getEpochSecond());
            }
            body.put("jti", t.jti());
            body.put("token_type", "Bearer");
            if (t.agentId() != null) {
                body.put("agent_id", t.agentId().toString());
            }
            body.put("policy_id", t.policyId().toString());
        }
        json(ctx, 200, body);
    }

    /** The {@code token} parameter of an RFC 7009/7662 form body; other parameters are ignored. */
    private static String formToken(Context ctx) {
        if (!Bodies.FORM.equals(Bodies.mediaType(ctx))) {
            throw Bodies.unsupportedMediaType(Bodies.FORM);
        }
        Map<String, String> form = Bodies.form(Bodies.read(ctx, Routes.MAX_BODY_BYTES));
        String token = form.get("token");
        if (token == null || token.isBlank()) {
            throw new InvalidRequestException("token is required");
        }
        return token;
    }

    // ---- metadata

    private void metadata(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        json(ctx, 200, AuthorizationServerMetadata.document(exchanger.issuer()));
    }

    // ---- signing keys

    private void rotateKey(Context ctx) {
        requireAdmin(ctx);
        SigningKeyInfo key = exchanger.rotateSigningKey();
        audit.record(audit.event(AuditEvent.KEY_ROTATE, AuditEvent.OK).kid(key.kid()).build());
        LOG.info("signing-key kid={} algorithm={} rotated in by the admin; it signs from now on", key.kid(),
                key.algorithm());
        json(ctx, 201, key(key, false));
    }

    private void listKeys(Context ctx) {
        requireAdmin(ctx);
        allowQuery(ctx);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (SigningKeyInfo key : exchanger.signingKeys()) {
            items.add(key(key, true));
        }
        json(ctx, 200, body);
    }

    private static ObjectNode key(SigningKeyInfo key, boolean withStatus) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("kid", key.kid());
        node.put("algorithm", key.algorithm());
        node.put("createdAt", key.createdAt().toString());
        if (withStatus) {
            node.put("status", key.status());
        }
        return node;
    }

    // ---- audit events

    private void auditEvents(Context ctx) {
        requireAdmin(ctx);
        allowQuery(ctx, "type", "repository", "agentId", "since", "limit", "cursor");
        String limitText = ctx.queryParam("limit");
        int limit = PageRequest.DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT);
            }
        }
        Instant since = null;
        String sinceText = ctx.queryParam("since");
        if (sinceText != null) {
            try {
                since = Instant.parse(sinceText);
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("since must be an ISO 8601 UTC time such as 2026-11-27T18:00:00Z");
            }
        }
        AuditQuery query = new AuditQuery(ctx.queryParam("type"), ctx.queryParam("repository"),
                Json.uuid("agentId", ctx.queryParam("agentId")), since, limit,
                AuditQuery.decodeCursor(ctx.queryParam("cursor")));
        Page<AuditEvent> page = audit.list(query);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (AuditEvent event : page.items()) {
            items.add(Json.MAPPER.valueToTree(event.toMap()));
        }
        body.put("nextCursor", page.nextCursor());
        json(ctx, 200, body);
    }

    // ---- plumbing

    /** The admin rule of {@link Routes}: 503 without an admin token, 401 for any other bearer. */
    private void requireAdmin(Context ctx) {
        if (adminToken == null) {
            throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(),
                    "Admin routes are disabled: the server has no admin token (set IDP_ADMIN_TOKEN)");
        }
        String bearer = optionalBearer(ctx);
        if (bearer == null) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "Missing bearer token: send Authorization: Bearer <token>", "Bearer");
        }
        if (!adminToken.matches(bearer)) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(), "The bearer token is not the admin token",
                    "Bearer error=\"invalid_token\"");
        }
    }

    private static String optionalBearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            return null;
        }
        return header.substring(7).trim();
    }

    private static void allowQuery(Context ctx, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new InvalidRequestException("unknown query parameter \"" + Json.printable(e.getKey())
                        + "\"; allowed: " + (allowed.length == 0 ? "none" : String.join(", ", allowed)));
            }
            if (e.getValue().size() > 1) {
                throw new InvalidRequestException("query parameter " + e.getKey() + " is given more than once");
            }
        }
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
