package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.PageRequest;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a parsed request value must be: the one place request fields, query parameters and path
 * parameters are checked. A message names the field and never echoes its value: it may be a token.
 */
public final class Fields {
    private Fields() {
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

    /** {@code value} as a UUID in its canonical form, or null when absent. */
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

    /** The {@code id} path parameter. */
    public static UUID pathId(Context ctx) {
        return uuid("id", ctx.pathParam("id"));
    }

    /** The {@code limit} and {@code cursor} query parameters of {@code query}, from {@link #query}. */
    public static PageRequest page(Map<String, String> query) {
        return PageRequest.of(limit(query), query.get("cursor"));
    }

    /** The {@code limit} query parameter as a number, default {@link PageRequest#DEFAULT_LIMIT} (its range is the page's check). */
    public static int limit(Map<String, String> query) {
        String limit = query.get("limit");
        if (limit == null) {
            return PageRequest.DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("limit must be a whole number between 1 and " + PageRequest.MAX_LIMIT);
        }
    }

    /**
     * The request's query parameters, decoded from the query string as sent (see
     * {@link Bodies#query}): a parameter not among {@code allowed}, one given twice, and one that is
     * not valid percent-encoding are refused. Routes read their filters from this map, never from
     * Javalin's, which silently drops a pair it cannot decode.
     */
    public static Map<String, String> query(Context ctx, String... allowed) {
        Map<String, String> query = Bodies.query(ctx.queryString());
        Set<String> names = Set.of(allowed);
        for (String name : query.keySet()) {
            if (!names.contains(name)) {
                throw new InvalidRequestException(Bodies.named("unknown query parameter", name, true)
                        + "; allowed: " + (allowed.length == 0 ? "none" : String.join(", ", allowed)));
            }
        }
        return query;
    }
}
