package dev.sentryagent.idp.javalin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.InvalidRequestException;
import dev.sentryagent.idp.core.TokenLimits;
import dev.sentryagent.idp.core.UnsupportedGrantTypeException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A token request, as JSON ({@code token}, {@code provider}, {@code agentId}) or as an RFC 8693
 * form ({@code grant_type}, {@code subject_token}, ...), converted to one {@link ExchangeRequest}
 * (Spring Authorization Server's converter step). It checks what the wire says and nothing the
 * exchange decides.
 */
public final class ExchangeRequestConverter {
    public static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Set<String> JSON_FIELDS = Set.of("token", "provider", "agentId");
    private static final Set<String> FORM_PARAMS = Set.of("grant_type", "subject_token", "subject_token_type",
            "agent_id", "provider", "requested_token_type");
    private static final Set<String> SUBJECT_TOKEN_TYPES = Set.of(
            "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:jwt");

    private final int maxBodyBytes;

    public ExchangeRequestConverter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The request's exchange.
     *
     * @throws HttpError 415 for another media type, 413 for an oversized body or token
     * @throws InvalidRequestException a malformed or unknown field
     * @throws UnsupportedGrantTypeException a form with another grant type
     */
    public ExchangeRequest convert(Context ctx) {
        String type = Bodies.mediaType(ctx);
        if (!type.equals(Bodies.JSON) && !type.equals(Bodies.FORM)) {
            throw Bodies.unsupportedMediaType(Bodies.JSON + " or " + Bodies.FORM);
        }
        byte[] body = Bodies.read(ctx, maxBodyBytes);
        return type.equals(Bodies.JSON) ? fromJson(body) : fromForm(body);
    }

    private static ExchangeRequest fromJson(byte[] body) {
        ObjectNode json = Bodies.jsonObject(body, JSON_FIELDS);
        return request(Fields.string(json, "provider"), Fields.string(json, "token"), Fields.uuid(json, "agentId"));
    }

    private static ExchangeRequest fromForm(byte[] body) {
        Map<String, String> form = Bodies.form(body, FORM_PARAMS);
        if (!TOKEN_EXCHANGE_GRANT.equals(form.get("grant_type"))) {
            throw new UnsupportedGrantTypeException("grant_type must be " + TOKEN_EXCHANGE_GRANT);
        }
        String subjectType = form.get("subject_token_type");
        if (subjectType == null || !SUBJECT_TOKEN_TYPES.contains(subjectType)) {
            throw new InvalidRequestException("subject_token_type must be "
                    + String.join(" or ", SUBJECT_TOKEN_TYPES.stream().sorted().toList()));
        }
        String requested = form.get("requested_token_type");
        if (requested != null && !requested.equals(ExchangeResult.ISSUED_TOKEN_TYPE)) {
            throw new InvalidRequestException("requested_token_type must be " + ExchangeResult.ISSUED_TOKEN_TYPE);
        }
        return request(form.get("provider"), form.get("subject_token"), Fields.uuid("agent_id", form.get("agent_id")));
    }

    private static ExchangeRequest request(String provider, String token, UUID agentId) {
        if (TokenLimits.tooLong(token)) {
            throw HttpError.tooLarge("token", TokenLimits.MAX_TOKEN_LENGTH);
        }
        return new ExchangeRequest(provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, token, agentId);
    }
}
