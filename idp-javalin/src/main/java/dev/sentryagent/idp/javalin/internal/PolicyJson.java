package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.TrustConditions;
import dev.sentryagent.idp.core.TrustPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The version 2 members of a trust policy on the wire: {@code conditions}, {@code audiences}, {@code tokenTtl}. */
public final class PolicyJson {
    /** The members a policy body may have beyond version 1's. */
    public static final Set<String> V2_FIELDS = Set.of("conditions", "audiences", "tokenTtl");
    private static final List<String> CONDITION_FIELDS = List.of("refs", "environments", "workflows", "jobWorkflows",
            "events", "refProtected", "runnerEnvironment");

    private PolicyJson() {
    }

    /** Reads {@code conditions}, {@code audiences} and {@code tokenTtl} of a policy body into {@code builder}. */
    public static TrustPolicy.Builder read(ObjectNode body, TrustPolicy.Builder builder) {
        return builder.conditions(conditions(body.get("conditions")))
                .audiences(strings(body, "audiences", "audiences"))
                .tokenTtl(duration(Fields.string(body, "tokenTtl")));
    }

    private static TrustConditions conditions(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRequestException("conditions must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CONDITION_FIELDS.contains(name)) {
                throw new InvalidRequestException((Bodies.quotable(name)
                        ? "unknown field \"conditions." + Bodies.printable(name) + "\""
                        : "an unknown field in conditions" + Bodies.NOT_REPEATED)
                        + "; allowed fields of conditions: " + String.join(", ", CONDITION_FIELDS));
            }
        }
        JsonNode refProtected = object.get("refProtected");
        if (refProtected != null && !refProtected.isNull() && !refProtected.isBoolean()) {
            throw new InvalidRequestException("conditions.refProtected must be true or false");
        }
        JsonNode runner = object.get("runnerEnvironment");
        if (runner != null && !runner.isNull() && !runner.isTextual()) {
            throw new InvalidRequestException("conditions.runnerEnvironment must be a string");
        }
        return TrustConditions.builder()
                .refs(strings(object, "refs", "conditions.refs"))
                .environments(strings(object, "environments", "conditions.environments"))
                .workflows(strings(object, "workflows", "conditions.workflows"))
                .jobWorkflows(strings(object, "jobWorkflows", "conditions.jobWorkflows"))
                .events(strings(object, "events", "conditions.events"))
                .refProtected(refProtected == null || refProtected.isNull() ? null : refProtected.booleanValue())
                .runnerEnvironment(runner == null || runner.isNull() ? null : runner.textValue())
                .build();
    }

    private static List<String> strings(ObjectNode object, String member, String field) {
        JsonNode node = object.get(member);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!(node instanceof ArrayNode array)) {
            throw new InvalidRequestException(field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw new InvalidRequestException(field + " must be an array of strings");
            }
            values.add(item.textValue());
        }
        return values;
    }

    private static Duration duration(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("tokenTtl must be an ISO 8601 duration between PT1M and PT1H, got \""
                    + Bodies.printable(value) + "\"");
        }
    }

    /** Adds the version 2 members of {@code policy} to its JSON; absent ones are {@code null}. */
    public static void write(ObjectNode node, TrustPolicy policy) {
        if (policy.conditions().isEmpty()) {
            node.putNull("conditions");
        } else {
            ObjectNode conditions = node.putObject("conditions");
            for (Map.Entry<String, Object> e : policy.conditions().asMap().entrySet()) {
                if (e.getValue() instanceof List<?> list) {
                    ArrayNode array = conditions.putArray(e.getKey());
                    list.forEach(v -> array.add((String) v));
                } else if (e.getValue() instanceof Boolean b) {
                    conditions.put(e.getKey(), b);
                } else {
                    conditions.put(e.getKey(), (String) e.getValue());
                }
            }
        }
        if (policy.audiences() == null) {
            node.putNull("audiences");
        } else {
            ArrayNode audiences = node.putArray("audiences");
            policy.audiences().forEach(audiences::add);
        }
        node.put("tokenTtl", policy.tokenTtl() == null ? null : policy.tokenTtl().toString());
    }
}
