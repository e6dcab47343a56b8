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
 * A token request, as JSON ({@code token}, {@code provider}, {@code agentId}, {@code audience},
 * {@code scope}) or as an RFC 8693 form ({@code grant_type}, {@code subject_token}, ...),
 * converted to one {@link ExchangeRequest} (Spring Authorization Server's converter step). It
 * checks what the wire says and nothing the exchange decides.
 *
 * <p>JSON refuses unknown fields, so that a typo never silently changes the mode. A form, the
 * OAuth clients' way, ignores parameters it does not know (RFC 6749 section 3.2: {@code client_id}
 * of a public client, anything else a library adds), refuses a parameter given twice, and treats
 * a parameter sent without a value as omitted (section 3.1: {@code scope=}, which oauthlib sends),
 * except {@code agent_id=}: an empty agent id is refused rather than read as bootstrap mode, which
 * would change the mode (and grant {@code agents:write}) on a template's empty variable;
 * {@code audience} (RFC 8693) and {@code resource} (RFC 8707) both name the audience.
 */
public final class ExchangeRequestConverter {
    public static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Set<String> JSON_FIELDS = Set.of("token", "provider", "agentId", "audience", "scope");
    private static final Set<String> REQUESTED_TOKEN_TYPES = Set.of(ExchangeResult.ISSUED_TOKEN_TYPE,
            "urn:ietf:params:oauth:token-type:jwt");
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
     * @throws InvalidRequestException a malformed or unknown field, a missing required one
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
        return request(Fields.string(json, "provider"), Fields.string(json, "token"), Fields.uuid(json, "agentId"),
                Fields.string(json, "audience"), Fields.string(json, "scope"));
    }

    private static ExchangeRequest fromForm(byte[] body) {
        Map<String, String> form = Bodies.formWithEmptyValues(body);
        if ("".equals(form.get("agent_id"))) {
            throw new InvalidRequestException("agent_id must not be empty: give the agent's id, "
                    + "or leave agent_id out for a bootstrap token");
        }
        form.values().removeIf(String::isEmpty);
        String grant = form.get("grant_type");
        if (grant == null) {
            throw new InvalidRequestException("grant_type is required");
        }
        if (!grant.equals(TOKEN_EXCHANGE_GRANT)) {
            throw new UnsupportedGrantTypeException("grant_type must be " + TOKEN_EXCHANGE_GRANT);
        }
        String token = form.get("subject_token");
        if (token == null || token.isBlank()) {
            // Named as the form names it: the exchange's own "token is required" names the JSON field.
            throw new InvalidRequestException("subject_token is required");
        }
        String subjectType = form.get("subject_token_type");
        if (subjectType == null || !SUBJECT_TOKEN_TYPES.contains(subjectType)) {
            throw new InvalidRequestException("subject_token_type must be "
                    + String.join(" or ", SUBJECT_TOKEN_TYPES.stream().sorted().toList()));
        }
        String requested = form.get("requested_token_type");
        // Our access tokens are JWTs, so a client asking for either type gets one.
        if (requested != null && !REQUESTED_TOKEN_TYPES.contains(requested)) {
            throw new InvalidRequestException("requested_token_type must be "
                    + String.join(" or ", REQUESTED_TOKEN_TYPES.stream().sorted().toList()));
        }
        String audience = form.get("audience");
        String resource = form.get("resource");
        if (audience != null && resource != null && !audience.equals(resource)) {
            throw new InvalidRequestException("audience and resource name different audiences; "
                    + "give one audience, as either parameter");
        }
        return request(form.get("provider"), token, Fields.uuid("agent_id", form.get("agent_id")),
                audience != null ? audience : resource, form.get("scope"));
    }

    private static ExchangeRequest request(String provider, String token, UUID agentId, String audience,
                                           String scope) {
        if (TokenLimits.tooLong(token)) {
            throw HttpError.tooLarge("token", TokenLimits.MAX_TOKEN_LENGTH);
        }
        return new ExchangeRequest(provider == null ? ExchangeRequest.DEFAULT_PROVIDER : provider, token, agentId,
                audience, scope);
    }
}
