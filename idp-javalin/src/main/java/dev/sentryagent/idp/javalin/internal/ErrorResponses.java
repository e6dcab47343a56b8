package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.ErrorCode;
import dev.sentryagent.idp.core.IdpException;
import dev.sentryagent.idp.core.InsufficientScopeException;
import dev.sentryagent.idp.core.LogText;
import dev.sentryagent.idp.core.Scopes;
import io.javalin.http.Context;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.router.EndpointNotFound;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.http.Handler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from a failure to the wire: an {@link IdpException}'s {@link ErrorCode} to a
 * status and headers (one switch, which the compiler checks covers every code), an
 * {@link HttpError} as it says, anything else to a 500 that shows nothing.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final String LOGGED_BY_LIBRARY = "sentryagent.idp.refusal-logged";

    private ErrorResponses() {
    }

    /** The status and headers of one error code on the wire. */
    record WireError(int status, String wwwAuthenticate, String retryAfter) {
    }

    /** What {@code e} looks like on the wire. */
    static WireError of(IdpException e) {
        return switch (e.code()) {
            case INVALID_REQUEST, UNSUPPORTED_GRANT_TYPE, INVALID_TARGET, INVALID_SCOPE -> new WireError(400, null, null);
            case INVALID_TOKEN -> new WireError(401, "Bearer error=\"invalid_token\"", null);
            case ACCESS_DENIED -> new WireError(403, null, null);
            case INSUFFICIENT_SCOPE -> new WireError(403, "Bearer error=\"insufficient_scope\", scope=\""
                    + (e instanceof InsufficientScopeException s ? s.requiredScope() : Scopes.AGENTS_WRITE) + "\"", null);
            case NOT_FOUND -> new WireError(404, null, null);
            case CONFLICT -> new WireError(409, null, null);
            case TEMPORARILY_UNAVAILABLE -> new WireError(503, null, "5");
            case SERVER_ERROR -> new WireError(500, null, null);
        };
    }

    /** Wraps a route so that every failure becomes the contract's JSON error and nothing else leaks. */
    public static Handler guard(Handler handler) {
        return new Guarded(handler);
    }

    /** A route wrapped by {@link #guard}; {@link RouteIndex} looks inside for its authorization. */
    record Guarded(Handler handler) implements Handler {
        @Override
        public void handle(Context ctx) {
            try {
                handler.handle(ctx);
            } catch (HttpError e) {
                if (e.wwwAuthenticate() != null) {
                    ctx.header("WWW-Authenticate", e.wwwAuthenticate());
                }
                refuse(ctx, e.status(), e.error(), e.getMessage());
            } catch (IdpException e) {
                WireError wire = of(e);
                if (wire.wwwAuthenticate() != null) {
                    ctx.header("WWW-Authenticate", wire.wwwAuthenticate());
                }
                if (wire.retryAfter() != null) {
                    ctx.header("Retry-After", wire.retryAfter());
                }
                refuse(ctx, wire.status(), e.code().wireName(), e.getMessage());
            } catch (Exception e) {
                serverError(ctx, e);
            }
        }
    }

    /**
     * Marks the request's refusals from here on as logged by the library (the exchanger logs each
     * of its own, with the token's claims), so that every refusal stays one log line.
     */
    public static void refusalsLoggedByLibrary(Context ctx) {
        ctx.attribute(LOGGED_BY_LIBRARY, Boolean.TRUE);
    }

    /**
     * Answers a refusal with the contract's error body, and logs it as one line: method, path,
     * status, error and description, every value a client chose escaped.
     */
    static void refuse(Context ctx, int status, String error, String description) {
        if (ctx.attribute(LOGGED_BY_LIBRARY) == null) {
            LOG.info("request refused status={} method={} path={} error={} reason=\"{}\"", status,
                    LogText.escape(ctx.req().getMethod()), LogText.escape(ctx.path()), error,
                    LogText.escape(description));
        }
        write(ctx, status, error, description);
    }

    /** The 500 for a failure nobody expected: logged with its stack, shown as nothing but its code. */
    public static void serverError(Context ctx, Exception e) {
        LOG.error("unexpected failure on {} {}", LogText.escape(ctx.req().getMethod()), LogText.escape(ctx.path()), e);
        write(ctx, 500, ErrorCode.SERVER_ERROR.wireName(), "Internal server error");
    }

    /** Writes the contract's error body. */
    public static void write(Context ctx, int status, String error, String description) {
        Json.respond(ctx, status, Json.error(error, description));
    }

    /** Javalin throws these for requests no route matched; our routes answer their own 404s. */
    public static void answerUnmatched(JavalinDefaultRoutingApi routes) {
        routes.exception(EndpointNotFound.class, (e, ctx) -> refuse(ctx, 404,
                ErrorCode.NOT_FOUND.wireName(), "No route " + ctx.method() + " " + ctx.path()));
        routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
            String allowed = allowedMethods(e);
            if (allowed != null) {
                ctx.header("Allow", allowed); // RFC 9110 section 15.5.6: a 405 must have one
            }
            refuse(ctx, 405, "method_not_allowed", "Method " + ctx.method() + " is not allowed on " + ctx.path());
        });
        routes.exception(Exception.class, (e, ctx) -> serverError(ctx, e));
    }

    /**
     * The methods the request's path takes ({@code GET, HEAD}), as Javalin found them when it
     * decided on 405; null when it did not say. Javalin keeps them in the answer's details under
     * one key, {@code availableMethods}, or {@code Available methods} when the client accepts HTML.
     */
    private static String allowedMethods(MethodNotAllowedResponse e) {
        Map<String, String> details = e.getDetails();
        String methods = details.get("availableMethods");
        return methods != null ? methods : details.get("Available methods");
    }
}
