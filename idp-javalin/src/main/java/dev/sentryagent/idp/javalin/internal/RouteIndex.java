package dev.sentryagent.idp.javalin.internal;

import io.javalin.http.ExceptionHandler;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.security.RouteRole;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsExceptionHandler;
import io.javalin.websocket.WsHandlerType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The routing API the route groups register on, wrapping the app's. Two rules of the contract
 * hold for every route this way, including routes added later:
 * <ul>
 *   <li>every {@code GET} route answers {@code HEAD} too, through the same handler (so with the
 *       same authorization; Jetty sends no body for a {@code HEAD}). Javalin's own fallback would
 *       answer 200 without running the route, credentials or not;</li>
 *   <li>it remembers which routes check the {@code Authorization} header before anything else, so
 *       that {@link #refusedOnCredentials} can tell a server which requests to refuse without
 *       reading their bodies.</li>
 * </ul>
 */
final class RouteIndex implements JavalinDefaultRoutingApi {
    private record Entry(HandlerType method, Pattern path, Authorization.Gated gate) {
    }

    private final JavalinDefaultRoutingApi app;
    private final List<Entry> gated = new CopyOnWriteArrayList<>();

    RouteIndex(JavalinDefaultRoutingApi app) {
        this.app = app;
    }

    @Override
    public JavalinDefaultRoutingApi addEndpoint(Endpoint endpoint) {
        app.addEndpoint(endpoint);
        remember(endpoint.method, endpoint.path, endpoint.handler);
        if (endpoint.method == HandlerType.GET) {
            app.addEndpoint(new Endpoint(HandlerType.HEAD, endpoint.path, endpoint.handler));
            remember(HandlerType.HEAD, endpoint.path, endpoint.handler);
        }
        return this;
    }

    private void remember(HandlerType method, String path, Handler handler) {
        Handler inner = handler instanceof ErrorResponses.Guarded guarded ? guarded.handler() : handler;
        if (inner instanceof Authorization.Gated gate) {
            gated.add(new Entry(method, pattern(path), gate));
        }
    }

    /** A route path ({@code /a/{id}}) as a pattern over request paths: a parameter is one segment. */
    private static Pattern pattern(String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : path.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }

    /**
     * True when the route for {@code method} and {@code path} refuses a request with this
     * {@code Authorization} header (or none) before reading its body: 401, or 503 where the admin
     * routes are off.
     */
    boolean refusedOnCredentials(String method, String path, String authorizationHeader) {
        HandlerType type = HandlerType.findOrDefault(method);
        for (Entry entry : gated) {
            if (entry.method().equals(type) && entry.path().matcher(path).matches()) {
                return entry.gate().refuses(authorizationHeader);
            }
        }
        return false;
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi exception(Class<E> type, ExceptionHandler<? super E> handler) {
        app.exception(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi error(int status, String contentType, Handler handler) {
        app.error(status, contentType, handler);
        return this;
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi wsException(Class<E> type,
            WsExceptionHandler<? super E> handler) {
        app.wsException(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi addWsHandler(WsHandlerType type, String path, Consumer<WsConfig> config,
            RouteRole... roles) {
        app.addWsHandler(type, path, config, roles);
        return this;
    }
}
