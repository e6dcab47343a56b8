package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.TimeOrderedIds;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One audit event: a decision or a change, as the HTTP contract's section 5 describes it. Never
 * holds a token: a submitted OIDC token appears only as its SHA-256.
 *
 * @param id the event's id: a time-ordered UUID (version 7), so ids sort as events happened
 * @param time when it happened, to the millisecond
 * @param type one of {@link #TYPES}
 * @param outcome {@code allow} or {@code deny} for an exchange, else {@code ok}
 * @param provider the CI provider, when known
 * @param repository the source repository, when known
 * @param ref the source ref, when known
 * @param runId the CI run ({@code run_id}), when the identity has one
 * @param agentId the agent concerned, if any
 * @param policyId the trust policy concerned, if any
 * @param error the error code of a refusal
 * @param errorDescription the refusal's description
 * @param subjectTokenSha256 lowercase hex SHA-256 of the submitted OIDC token
 * @param tokenJti the {@code jti} of the access token issued or revoked
 * @param kid the signing key created by a rotation
 * @param clientIp the client's address
 * @param userAgent the client's {@code User-Agent}
 */
public record AuditEvent(UUID id, Instant time, String type, String outcome, String provider, String repository,
                         String ref, String runId, UUID agentId, UUID policyId, String error, String errorDescription,
                         String subjectTokenSha256, String tokenJti, String kid, String clientIp, String userAgent) {
    public static final String TOKEN_EXCHANGE = "token.exchange";
    public static final String TOKEN_REVOKE = "token.revoke";
    public static final String POLICY_CREATE = "policy.create";
    public static final String POLICY_DELETE = "policy.delete";
    public static final String AGENT_CREATE = "agent.create";
    public static final String AGENT_DELETE = "agent.delete";
    public static final String KEY_ROTATE = "key.rotate";
    /** Every event type, in the contract's order. */
    public static final Set<String> TYPES = Set.of(TOKEN_EXCHANGE, TOKEN_REVOKE, POLICY_CREATE, POLICY_DELETE,
            AGENT_CREATE, AGENT_DELETE, KEY_ROTATE);
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String OK = "ok";
    /** Longest stored text of a free-form field (description, user agent); longer text is cut. */
    public static final int MAX_TEXT = 1000;

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown audit event type " + type);
        }
        if (!Set.of(ALLOW, DENY, OK).contains(outcome)) {
            throw new IllegalArgumentException("audit outcome must be allow, deny or ok, got " + outcome);
        }
        time = Instant.ofEpochMilli(time.toEpochMilli()); // what every store keeps
        provider = cut(provider, 64);
        repository = cut(repository, 200);
        ref = cut(ref, 255);
        runId = cut(runId, 64);
        error = cut(error, 64);
        errorDescription = cut(errorDescription, MAX_TEXT);
        subjectTokenSha256 = cut(subjectTokenSha256, 64);
        tokenJti = cut(tokenJti, 256);
        kid = cut(kid, 64);
        clientIp = cut(clientIp, 64);
        userAgent = cut(userAgent, MAX_TEXT);
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** A new event of {@code type} with {@code outcome}, now; fill the rest with the builder. */
    public static Builder builder(String type, String outcome, Instant time) {
        return new Builder(type, outcome, time);
    }

    /** The event as the wire and the audit log line show it: the contract's field names, nulls included. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("time", time.toString());
        m.put("type", type);
        m.put("outcome", outcome);
        m.put("provider", provider);
        m.put("repository", repository);
        m.put("ref", ref);
        m.put("runId", runId);
        m.put("agentId", agentId == null ? null : agentId.toString());
        m.put("policyId", policyId == null ? null : policyId.toString());
        m.put("error", error);
        m.put("errorDescription", errorDescription);
        m.put("subjectTokenSha256", subjectTokenSha256);
        m.put("tokenJti", tokenJti);
        m.put("kid", kid);
        m.put("clientIp", clientIp);
        m.put("userAgent", userAgent);
        return m;
    }

    /** Builds an {@link AuditEvent}; every field but type, outcome and time is optional. */
    public static final class Builder {
        private final String type;
        private final String outcome;
        private final Instant time;
        private String provider;
        private String repository;
        private String ref;
        private String runId;
        private UUID agentId;
        private UUID policyId;
        private String error;
        private String errorDescription;
        private String subjectTokenSha256;
        private String tokenJti;
        private String kid;
        private String clientIp;
        private String userAgent;

        private Builder(String type, String outcome, Instant time) {
            this.type = type;
            this.outcome = outcome;
            this.time = time;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder repository(String repository) {
            this.repository = repository;
            return this;
        }

        public Builder ref(String ref) {
            this.ref = ref;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder agentId(UUID agentId) {
            this.agentId = agentId;
            return this;
        }

        public Builder policyId(UUID policyId) {
            this.policyId = policyId;
            return this;
        }

        /** The refusal: its wire error code and description. */
        public Builder error(String error, String description) {
            this.error = error;
            this.errorDescription = description;
            return this;
        }

        public Builder subjectTokenSha256(String hex) {
            this.subjectTokenSha256 = hex;
            return this;
        }

        public Builder tokenJti(String jti) {
            this.tokenJti = jti;
            return this;
        }

        public Builder kid(String kid) {
            this.kid = kid;
            return this;
        }

        /** Where the request came from. */
        public Builder client(String clientIp, String userAgent) {
            this.clientIp = clientIp;
            this.userAgent = userAgent;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(TimeOrderedIds.at(time), time, type, outcome, provider, repository, ref, runId, agentId,
                    policyId, error, errorDescription, subjectTokenSha256, tokenJti, kid, clientIp, userAgent);
        }
    }
}
