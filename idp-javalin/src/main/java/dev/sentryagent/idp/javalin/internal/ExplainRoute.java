package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.Explanation;
import dev.sentryagent.idp.core.PolicyCheck;
import dev.sentryagent.idp.core.PolicyTrace;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TokenLimits;
import io.javalin.http.Context;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code POST /api/v1/oidc/trust-policies/evaluate} (admin): what the token exchange would answer
 * for the same JSON request now, and why, per policy and condition. Spends nothing, pins nothing.
 */
public final class ExplainRoute {
    /** The route's path. */
    public static final String PATH = Routes.API + "/oidc/trust-policies/evaluate";
    private static final Set<String> FIELDS = Set.of("token", "provider", "agentId", "audience");

    private final TokenExchanger exchanger;

    public ExplainRoute(TokenExchanger exchanger) {
        this.exchanger = exchanger;
    }

    /** Parses the exchange's JSON request, asks the exchanger for an explanation, and writes it. */
    public void handle(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ObjectNode json = Bodies.jsonObject(ctx, Routes.MAX_BODY_BYTES, FIELDS);
        String token = Fields.string(json, "token");
        if (TokenLimits.tooLong(token)) {
            throw HttpError.tooLarge("token", TokenLimits.MAX_TOKEN_LENGTH);
        }
        String provider = Fields.string(json, "provider");
        Explanation explanation = exchanger.explain(new ExchangeRequest(
                provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, token, Fields.uuid(json, "agentId")),
                Fields.string(json, "audience"));
        Json.respond(ctx, 200, explanation(explanation));
    }

    /** The contract's explanation JSON. */
    static ObjectNode explanation(Explanation e) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("decision", e.allowed() ? "allow" : "deny");
        node.put("error", e.error());
        node.put("error_description", e.errorDescription());
        ObjectNode verification = node.putObject("verification");
        verification.put("ok", e.verification().ok());
        verification.put("error_description", e.verification().errorDescription());
        verification.put("alreadyExchanged", e.verification().alreadyExchanged());
        ObjectNode claims = node.putObject("claims");
        new TreeMap<>(e.claims()).forEach(claims::put);
        ArrayNode policies = node.putArray("policies");
        for (PolicyTrace trace : e.policies()) {
            ObjectNode policy = policies.addObject();
            policy.put("id", trace.policyId().toString());
            policy.put("admits", trace.admits());
            ArrayNode checks = policy.putArray("checks");
            for (PolicyCheck check : trace.checks()) {
                ObjectNode c = checks.addObject();
                c.put("condition", check.condition());
                c.put("ok", check.ok());
                c.put("expected", check.expected());
                c.put("actual", check.actual());
            }
        }
        return node;
    }
}
