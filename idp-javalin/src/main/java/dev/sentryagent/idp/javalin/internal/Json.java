package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.TrustPolicy;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** JSON in and out. Parse errors never quote the input: it may hold a token. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    /** The body as a JSON object whose members are all among {@code allowed}. */
    public static ObjectNode object(byte[] body, Set<String> allowed) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new InvalidRequestException("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw new InvalidRequestException("request body cannot be read");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRequestException("request body must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("unknown field \"" + printable(name) + "\"; allowed fields: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return object;
    }

    /** A string member, or null when absent or JSON null. */
    public static String string(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return value.textValue();
    }

    public static UUID uuid(ObjectNode object, String field) {
        return uuid(field, string(object, field));
    }

    public static UUID uuid(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equalsIgnoreCase(value)) {
                return id;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new InvalidRequestException(field + " must be a UUID"); // the value is not echoed: it may be a token
    }

    /** A positive whole-number member, or null when absent or JSON null. */
    public static Long positiveLong(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw new InvalidRequestException(field + " must be a positive whole number");
        }
        return value.longValue();
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

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
