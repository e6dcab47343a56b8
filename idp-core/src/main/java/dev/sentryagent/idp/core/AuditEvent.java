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
    /** Type of an event for one token exchange, allowed or denied. */
    public static final String TOKEN_EXCHANGE = "token.exchange";
    /** Type of an event for one revocation of an access token (RFC 7009). */
    public static final String TOKEN_REVOKE = "token.revoke";
    /** Type of an event for a trust policy created. */
    public static final String POLICY_CREATE = "policy.create";
    /** Type of an event for a trust policy deleted. */
    public static final String POLICY_DELETE = "policy.delete";
    /** Type of an event for an agent registered. */
    public static final String AGENT_CREATE = "agent.create";
    /** Type of an event for an agent deleted. */
    public static final String AGENT_DELETE = "agent.delete";
    /** Type of an event for a signing-key rotation. */
    public static final String KEY_ROTATE = "key.rotate";
    /** Every event type, in the contract's order. */
    public static final Set<String> TYPES = Set.of(TOKEN_EXCHANGE, TOKEN_REVOKE, POLICY_CREATE, POLICY_DELETE,
            AGENT_CREATE, AGENT_DELETE, KEY_ROTATE);
    /** Outcome of an exchange that issued a token. */
    public static final String ALLOW = "allow";
    /** Outcome of an exchange that was refused. */
    public static final String DENY = "deny";
    /** Outcome of every event that is not an exchange: the change was made. */
    public static final String OK = "ok";
    /** Longest stored text of a free-form field (description, user agent); longer text is cut. */
    public static final int MAX_TEXT = 1000;

    /**
     * Checks type and outcome, keeps {@code time} to the millisecond and cuts free-form fields to
     * the lengths every store holds (so an event reads the same from memory and from a database);
     * a NUL character in them becomes U+FFFD, which every store can hold.
     *
     * @param id the event's id
     * @param time when it happened
     * @param type one of {@link #TYPES}
     * @param outcome {@link #ALLOW}, {@link #DENY} or {@link #OK}
     * @param provider the CI provider, or null; cut to 64 characters
     * @param repository the source repository, or null; cut to 200 characters
     * @param ref the source ref, or null; cut to 255 characters
     * @param runId the CI run, or null; cut to 64 characters
     * @param agentId the agent concerned, or null
     * @param policyId the trust policy concerned, or null
     * @param error the refusal's error code, or null; cut to 64 characters
     * @param errorDescription the refusal's description, or null; cut to {@link #MAX_TEXT} characters
     * @param subjectTokenSha256 hex SHA-256 of the submitted OIDC token, or null
     * @param tokenJti the access token's {@code jti}, or null; cut to 256 characters
     * @param kid the rotated-in key's id, or null
     * @param clientIp the client's address, or null; cut to 64 characters
     * @param userAgent the client's {@code User-Agent}, or null; cut to {@link #MAX_TEXT} characters
     * @throws NullPointerException a missing {@code id} or {@code time}
     * @throws IllegalArgumentException an unknown type or outcome
     */
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
        if (value == null) {
            return null;
        }
        String kept = value.length() <= max ? value : value.substring(0, max);
        // PostgreSQL refuses NUL in text, and with it the whole batch of other clients' events:
        // every store keeps U+FFFD in its place instead.
        return kept.indexOf('\0') < 0 ? kept : kept.replace('\0', '\uFFFD');
    }

    /**
     * Starts an event; fill the rest with the builder.
     *
     * @param type one of {@link #TYPES}
     * @param outcome {@link #ALLOW}, {@link #DENY} or {@link #OK}
     * @param time when it happened
     * @return a builder whose {@link Builder#build()} gives the event a new random id
     */
    public static Builder builder(String type, String outcome, Instant time) {
        return new Builder(type, outcome, time);
    }

    /** {@return the event as the wire and the audit log line show it: the contract's field names, in its order, nulls included} */
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

        /**
         * Sets the CI provider.
         *
         * @param provider the provider's name
         * @return this builder
         */
        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        /**
         * Sets the source repository.
         *
         * @param repository the repository as the provider names it
         * @return this builder
         */
        public Builder repository(String repository) {
            this.repository = repository;
            return this;
        }

        /**
         * Sets the source ref.
         *
         * @param ref the ref, e.g. {@code refs/heads/main}
         * @return this builder
         */
        public Builder ref(String ref) {
            this.ref = ref;
            return this;
        }

        /**
         * Sets the CI run.
         *
         * @param runId the provider's run (pipeline) id
         * @return this builder
         */
        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        /**
         * Sets the agent concerned.
         *
         * @param agentId the agent's id
         * @return this builder
         */
        public Builder agentId(UUID agentId) {
            this.agentId = agentId;
            return this;
        }

        /**
         * Sets the trust policy concerned.
         *
         * @param policyId the policy's id
         * @return this builder
         */
        public Builder policyId(UUID policyId) {
            this.policyId = policyId;
            return this;
        }

        /**
         * Sets the refusal.
         *
         * @param error its wire error code, e.g. {@code access_denied}
         * @param description its description, as the client read it
         * @return this builder
         */
        public Builder error(String error, String description) {
            this.error = error;
            this.errorDescription = description;
            return this;
        }

        /**
         * Sets the hash of the submitted OIDC token (never the token itself).
         *
         * @param hex lowercase hex SHA-256
         * @return this builder
         */
        public Builder subjectTokenSha256(String hex) {
            this.subjectTokenSha256 = hex;
            return this;
        }

        /**
         * Sets the access token issued or revoked.
         *
         * @param jti its {@code jti}
         * @return this builder
         */
        public Builder tokenJti(String jti) {
            this.tokenJti = jti;
            return this;
        }

        /**
         * Sets the signing key a rotation created.
         *
         * @param kid its key id
         * @return this builder
         */
        public Builder kid(String kid) {
            this.kid = kid;
            return this;
        }

        /**
         * Sets where the request came from.
         *
         * @param clientIp the client's address (after trusted proxies)
         * @param userAgent its {@code User-Agent}
         * @return this builder
         */
        public Builder client(String clientIp, String userAgent) {
            this.clientIp = clientIp;
            this.userAgent = userAgent;
            return this;
        }

        /** {@return the event, with a new random id; an unknown type or outcome throws {@link IllegalArgumentException}} */
        public AuditEvent build() {
            return new AuditEvent(TimeOrderedIds.at(time), time, type, outcome, provider, repository, ref, runId, agentId,
                    policyId, error, errorDescription, subjectTokenSha256, tokenJti, kid, clientIp, userAgent);
        }
    }
}
