package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.TrustPolicy;
import io.javalin.http.Context;
import java.util.function.Function;

/** The JSON of every response: the one place a response body is shaped. Reading JSON is {@link Bodies}' job. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    public static ObjectNode policy(TrustPolicy p) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", p.id().toString());
        node.put("provider", p.provider());
        node.put("repository", p.repository());
        node.put("branch", p.branch());
        node.put("agentId", p.agentId() == null ? null : p.agentId().toString());
        if (p.repositoryId() != null) {
            node.put("repositoryId", p.repositoryId());
        }
        if (p.repositoryOwnerId() != null) {
            node.put("repositoryOwnerId", p.repositoryOwnerId());
        }
        PolicyJson.write(node, p);
        node.put("createdAt", p.createdAt().toString());
        return node;
    }

    public static ObjectNode agent(Agent a) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("agentId", a.id().toString());
        node.put("name", a.name());
        node.put("description", a.description());
        node.put("createdAt", a.createdAt().toString());
        node.put("createdBy", a.createdBy());
        return node;
    }

    public static ObjectNode exchange(ExchangeResult r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("access_token", r.accessToken());
        node.put("token_type", ExchangeResult.TOKEN_TYPE);
        node.put("expires_in", r.expiresIn());
        node.put("expires_at", r.expiresAt().toString());
        node.put("scope", r.scope());
        if (r.agentId() != null) {
            node.put("agent_id", r.agentId().toString());
        }
        node.put("issued_token_type", ExchangeResult.ISSUED_TOKEN_TYPE);
        return node;
    }

    public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> item) {
        ObjectNode node = MAPPER.createObjectNode();
        page.items().forEach(i -> node.withArray("items").add(item.apply(i)));
        if (page.items().isEmpty()) {
            node.putArray("items");
        }
        node.put("nextCursor", page.nextCursor());
        return node;
    }

    public static ObjectNode error(String error, String description) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("error", error);
        node.put("error_description", description);
        return node;
    }

    /** Answers {@code status} with {@code body}. */
    public static void respond(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
