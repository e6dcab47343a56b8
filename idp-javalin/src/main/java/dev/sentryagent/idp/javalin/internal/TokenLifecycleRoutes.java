package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.AccessTokenIssuer;
import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.IntrospectedToken;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.SigningKeyInfo;
import dev.sentryagent.idp.core.TokenIntrospector;
import dev.sentryagent.idp.javalin.AdminToken;
import dev.sentryagent.idp.javalin.TrustedProxies;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of a token's life after it is issued: revocation (RFC 7009), introspection
 * (RFC 7662), signing keys, and the audit events. Like every route group, each converts its input,
 * calls the library once and maps the answer; admin checks are {@link Authorization}'s.
 */
final class TokenLifecycleRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TokenLifecycleRoutes.class);
    private static final String API = Routes.API;

    private final AccessTokenIssuer tokens;
    private final TokenIntrospector introspector;
    private final AuditTrail audit;
    private final Authorization authorization;
    private final AdminToken introspectionToken;
    private final TrustedProxies trustedProxies;

    TokenLifecycleRoutes(AccessTokenIssuer tokens, TokenIntrospector introspector, AuditTrail audit,
                         Authorization authorization, AdminToken introspectionToken, TrustedProxies trustedProxies) {
        this.tokens = tokens;
        this.introspector = introspector;
        this.audit = audit;
        this.authorization = authorization;
        this.introspectionToken = introspectionToken;
        this.trustedProxies = trustedProxies;
    }

    void register(JavalinDefaultRoutingApi routes) {
        // Every request's client, for the audit events its handler may record (see AuditTrail.bindOrigin).
        routes.before(ctx -> AuditTrail.bindOrigin(
                trustedProxies.clientAddress(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders("X-Forwarded-For"))),
                ctx.header("User-Agent")));
        routes.after(ctx -> AuditTrail.clearOrigin());
        routes.post(API + "/oidc/revoke", ErrorResponses.guard(this::revoke));
        routes.post(API + "/oidc/introspect", ErrorResponses.guard(this::introspect));
        routes.post(API + "/keys/rotate", ErrorResponses.guard(authorization.adminOnly(this::rotateKey)));
        routes.get(API + "/keys", ErrorResponses.guard(authorization.adminOnly(this::listKeys)));
        routes.get(API + "/audit-events", ErrorResponses.guard(authorization.adminOnly(this::auditEvents)));
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
        if (!authorization.adminEnabled() && introspectionToken == null) {
            throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(), "Introspection is disabled: the "
                    + "server has neither an introspection token nor an admin token (set IDP_INTROSPECTION_TOKEN)");
        }
        String bearer = Authorization.bearer(ctx);
        if (!(introspectionToken != null && introspectionToken.matches(bearer)) && !authorization.isAdmin(bearer)) {
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

    /**
     * The {@code token} parameter of an RFC 7009/7662 form body. Other parameters are ignored
     * (RFC 6749 section 3.2: clients send {@code client_id}, {@code client_secret},
     * {@code token_type_hint}, {@code resource} ...; there is no client authentication to check
     * them against); a parameter given twice is refused.
     */
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

    // ---- signing keys

    private void rotateKey(Context ctx) {
        SigningKeyInfo key = tokens.rotateSigningKey();
        audit.record(audit.event(AuditEvent.KEY_ROTATE, AuditEvent.OK).kid(key.kid()).build());
        LOG.info("signing-key kid={} algorithm={} rotated in by the admin; it signs from now on", key.kid(),
                key.algorithm());
        json(ctx, 201, key(key, false));
    }

    private void listKeys(Context ctx) {
        Fields.query(ctx);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (SigningKeyInfo key : tokens.signingKeys()) {
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
        Map<String, String> params = Fields.query(ctx, "type", "repository", "agentId", "since", "limit", "cursor");
        int limit = Fields.limit(params);
        Instant since = null;
        String sinceText = params.get("since");
        if (sinceText != null) {
            try {
                since = Instant.parse(sinceText);
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("since must be an ISO 8601 UTC time such as 2026-11-27T18:00:00Z");
            }
        }
        AuditQuery query = new AuditQuery(params.get("type"), params.get("repository"),
                Fields.uuid("agentId", params.get("agentId")), since, limit,
                AuditQuery.decodeCursor(params.get("cursor")));
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

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        Json.respond(ctx, status, body);
    }
}
