package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.javalin.AdminToken;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** Who a request speaks for: its bearer token, and whether that is the administrator's. */
public final class Authorization {
    private final AdminToken adminToken;

    /** {@code adminToken} null: the admin routes answer 503 and say why. */
    public Authorization(AdminToken adminToken) {
        this.adminToken = adminToken;
    }

    /** What a route requires of the {@code Authorization} header before it reads anything else. */
    enum Requirement {
        /** The administrator's token. */
        ADMIN,
        /** Some bearer token, which the route itself then checks (agent registration). */
        BEARER
    }

    /**
     * A handler run only once the request's {@code Authorization} header meets its requirement:
     * the check comes before the route reads any body. {@link RouteIndex} finds these to tell the
     * server which requests it may refuse without reading their bodies.
     */
    record Gated(Authorization authorization, Requirement requirement, Handler handler) implements Handler {
        @Override
        public void handle(Context ctx) throws Exception {
            if (requirement == Requirement.ADMIN) {
                authorization.requireAdmin(ctx);
            } else {
                bearer(ctx);
            }
            handler.handle(ctx);
        }

        /** True when a request with this {@code Authorization} header is refused before its body is read. */
        boolean refuses(String authorizationHeader) {
            String bearer = bearerOf(authorizationHeader);
            return requirement == Requirement.ADMIN ? !authorization.isAdmin(bearer) : bearer == null;
        }
    }

    /** Runs {@code handler} only for the administrator. */
    public Handler adminOnly(Handler handler) {
        return new Gated(this, Requirement.ADMIN, handler);
    }

    /** Runs {@code handler} only for a request with a bearer token, which the handler checks itself. */
    public Handler bearerRequired(Handler handler) {
        return new Gated(this, Requirement.BEARER, handler);
    }

    private void requireAdmin(Context ctx) {
        if (adminToken == null) {
            throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(),
                    "Admin routes are disabled: the server has no admin token (set IDP_ADMIN_TOKEN)");
        }
        if (!adminToken.matches(bearer(ctx))) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(), "The bearer token is not the admin token",
                    "Bearer error=\"invalid_token\"");
        }
    }

    /** True when the server has an admin token (else the admin routes answer 503). */
    public boolean adminEnabled() {
        return adminToken != null;
    }

    /** True when {@code bearer} is the administrator's token. */
    public boolean isAdmin(String bearer) {
        return adminToken != null && bearer != null && adminToken.matches(bearer);
    }

    /** The bearer token of the request; 401 when there is none. */
    public static String bearer(Context ctx) {
        String bearer = bearerOf(ctx.header("Authorization"));
        if (bearer == null) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "Missing bearer token: send Authorization: Bearer <token>", "Bearer");
        }
        return bearer;
    }

    /** The bearer token of an {@code Authorization} header; null when there is none. */
    static String bearerOf(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            return null;
        }
        return header.substring(7).trim();
    }
}
