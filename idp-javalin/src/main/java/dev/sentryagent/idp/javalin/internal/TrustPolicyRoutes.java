package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.NotFoundException;
import dev.sentryagent.idp.core.PolicyGate;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The administrator's trust-policy routes under {@code /api/v1/oidc/trust-policies}. */
final class TrustPolicyRoutes {
    private static final String PATH = Routes.API + "/oidc/trust-policies";
    private static final Logger LOG = LoggerFactory.getLogger(TrustPolicyRoutes.class);

    private final TrustPolicyRepository policies;
    private final PolicyGate gate;
    private final ExplainRoute explain;
    private final Authorization authorization;

    /** {@code gate} stores new policies in {@code policies} (the plugin's store, whose changes are audited). */
    TrustPolicyRoutes(TrustPolicyRepository policies, PolicyGate gate, TokenExchanger exchanger,
                      Authorization authorization) {
        this.policies = policies;
        this.gate = gate;
        this.explain = new ExplainRoute(exchanger);
        this.authorization = authorization;
    }

    void register(JavalinDefaultRoutingApi routes) {
        routes.post(PATH, ErrorResponses.guard(authorization.adminOnly(this::create)));
        routes.get(PATH, ErrorResponses.guard(authorization.adminOnly(this::list)));
        routes.get(PATH + "/{id}", ErrorResponses.guard(authorization.adminOnly(this::get)));
        routes.delete(PATH + "/{id}", ErrorResponses.guard(authorization.adminOnly(this::delete)));
        routes.post(ExplainRoute.PATH, ErrorResponses.guard(authorization.adminOnly(explain::handle)));
    }

    private void create(Context ctx) {
        ObjectNode json = Bodies.jsonObject(ctx, Routes.MAX_BODY_BYTES, Set.of("provider", "repository", "branch",
                "agentId", "repositoryId", "repositoryOwnerId", "conditions", "audiences", "tokenTtl"));
        String provider = Fields.string(json, "provider");
        TrustPolicy policy = gate.create(PolicyJson.read(json, TrustPolicy.builder(
                provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, Fields.string(json, "repository"))
                .branch(Fields.string(json, "branch")).agentId(Fields.uuid(json, "agentId"))
                .repositoryIds(Fields.positiveLong(json, "repositoryId"), Fields.positiveLong(json, "repositoryOwnerId")))
                .build());
        LOG.info("trust-policy created id={} provider={} repository={} branch={} agent={}", policy.id(),
                policy.provider(), policy.repository(), policy.branch(), policy.agentId());
        ctx.header("Location", PATH + "/" + policy.id());
        Json.respond(ctx, 201, Json.policy(policy));
    }

    private void list(Context ctx) {
        Map<String, String> params = Fields.query(ctx, "agentId", "repository", "provider", "limit", "cursor");
        TrustPolicyQuery query = new TrustPolicyQuery(params.get("provider"), params.get("repository"),
                Fields.uuid("agentId", params.get("agentId")), Fields.page(params));
        Json.respond(ctx, 200, Json.page(policies.list(query), Json::policy));
    }

    private void get(Context ctx) {
        UUID id = Fields.pathId(ctx);
        Json.respond(ctx, 200, Json.policy(policies.findById(id)
                .orElseThrow(() -> new NotFoundException("No trust policy with id " + id))));
    }

    private void delete(Context ctx) {
        UUID id = Fields.pathId(ctx);
        if (!policies.delete(id)) {
            throw new NotFoundException("No trust policy with id " + id);
        }
        LOG.info("trust-policy deleted id={}", id);
        ctx.status(204);
    }
}
