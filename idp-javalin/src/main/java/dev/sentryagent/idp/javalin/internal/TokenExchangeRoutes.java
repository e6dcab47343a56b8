package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.TokenExchanger;
import io.javalin.router.JavalinDefaultRoutingApi;

/** {@code POST /api/v1/oidc/token}: convert, exchange, answer. */
final class TokenExchangeRoutes {
    private final TokenExchanger exchanger;
    private final ExchangeRequestConverter converter = new ExchangeRequestConverter(Routes.MAX_BODY_BYTES);

    TokenExchangeRoutes(TokenExchanger exchanger) {
        this.exchanger = exchanger;
    }

    void register(JavalinDefaultRoutingApi routes) {
        routes.post(Routes.API + "/oidc/token", ErrorResponses.guard(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("Pragma", "no-cache");
            Json.respond(ctx, 200, Json.exchange(exchanger.exchange(converter.convert(ctx))));
        }));
    }
}
