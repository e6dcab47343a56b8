package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.AgentRegistrar;
import dev.sentryagent.idp.core.NotFoundException;
import dev.sentryagent.idp.core.spi.AgentRepository;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent routes under {@code /api/v1/agents}: registration with a bootstrap token or the admin
 * token, the rest for the administrator.
 */
final class AgentRoutes {
    private static final String PATH = Routes.API + "/agents";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);

    private final AgentRepository agents;
    private final AgentRegistrar registrar;
    private final Authorization authorization;

    AgentRoutes(AgentRepository agents, AgentRegistrar registrar, Authorization authorization) {
        this.agents = agents;
        this.registrar = registrar;
        this.authorization = authorization;
    }

    void register(JavalinDefaultRoutingApi routes) {
        routes.post(PATH, ErrorResponses.guard(authorization.bearerRequired(this::create)));
        routes.get(PATH, ErrorResponses.guard(authorization.adminOnly(this::list)));
        routes.get(PATH + "/{id}", ErrorResponses.guard(authorization.adminOnly(this::get)));
        routes.delete(PATH + "/{id}", ErrorResponses.guard(authorization.adminOnly(this::delete)));
    }

    private void create(Context ctx) {
        String bearer = Authorization.bearer(ctx);
        ObjectNode json = Bodies.jsonObject(ctx, Routes.MAX_BODY_BYTES, Set.of("name", "description"));
        String name = Fields.string(json, "name");
        String description = Fields.string(json, "description");
        Agent agent = authorization.isAdmin(bearer)
                ? registrar.registerAsAdmin(name, description)
                : registrar.registerWithToken(bearer, name, description);
        ctx.header("Location", PATH + "/" + agent.id());
        Json.respond(ctx, 201, Json.agent(agent));
    }

    private void list(Context ctx) {
        Map<String, String> params = Fields.query(ctx, "limit", "cursor");
        Json.respond(ctx, 200, Json.page(agents.list(Fields.page(params)), Json::agent));
    }

    private void get(Context ctx) {
        UUID id = Fields.pathId(ctx);
        Json.respond(ctx, 200, Json.agent(agents.findById(id)
                .orElseThrow(() -> new NotFoundException("No agent with id " + id))));
    }

    private void delete(Context ctx) {
        UUID id = Fields.pathId(ctx);
        if (!agents.delete(id)) {
            throw new NotFoundException("No agent with id " + id);
        }
        LOG.info("agent deleted id={} (and its trust policies)", id);
        ctx.status(204);
    }
}
