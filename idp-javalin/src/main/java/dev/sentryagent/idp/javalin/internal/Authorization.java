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

    /** Runs {@code handler} only for the administrator. */
    public Handler adminOnly(Handler handler) {
        return ctx -> {
            if (adminToken == null) {
                throw new HttpError(503, ErrorCode.TEMPORARILY_UNAVAILABLE.wireName(),
                        "Admin routes are disabled: the server has no admin token (set IDP_ADMIN_TOKEN)");
            }
            if (!adminToken.matches(bearer(ctx))) {
                throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(), "The bearer token is not the admin token",
                        "Bearer error=\"invalid_token\"");
            }
            handler.handle(ctx);
        };
    }

    /** True when the server has an admin token (else the admin routes answer 503). */
    public boolean adminEnabled() {
        return adminToken != null;
    }

    /** True when {@code bearer} is the administrator's token. */
    public boolean isAdmin(String bearer) {
        return adminToken != null && adminToken.matches(bearer);
    }

    /** The bearer token of the request; 401 when there is none. */
    public static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            throw new HttpError(401, ErrorCode.INVALID_TOKEN.wireName(),
                    "Missing bearer token: send Authorization: Bearer <token>", "Bearer");
        }
        return header.substring(7).trim();
    }
}
