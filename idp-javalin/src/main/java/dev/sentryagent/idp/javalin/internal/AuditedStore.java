package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.PageRequest;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.TrustPolicyQuery;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.AuditLog;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.core.spi.RevocationList;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The store as the admin routes see it: every successful create and delete of a trust policy or
 * an agent is also an audit event. Auditing at this one seam means no route can change the store
 * without leaving an event, whichever handler makes the change. Reads pass straight through.
 */
public final class AuditedStore implements IdpStore {
    private final IdpStore store;
    private final AuditTrail audit;
    private final TrustPolicyRepository policies;
    private final AgentRepository agents;

    public AuditedStore(IdpStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
        this.policies = new Policies(store.trustPolicies());
        this.agents = new Agents(store.agents());
    }

    @Override
    public TrustPolicyRepository trustPolicies() {
        return policies;
    }

    @Override
    public AgentRepository agents() {
        return agents;
    }

    @Override
    public ReplayGuard replayGuard() {
        return store.replayGuard();
    }

    @Override
    public SigningKeyStore signingKeys() {
        return store.signingKeys();
    }

    @Override
    public RevocationList revocations() {
        return store.revocations();
    }

    @Override
    public AuditLog auditLog() {
        return store.auditLog();
    }

    @Override
    public void checkHealth() {
        store.checkHealth();
    }

    private final class Policies implements TrustPolicyRepository {
        private final TrustPolicyRepository delegate;

        Policies(TrustPolicyRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public TrustPolicy create(TrustPolicy policy) {
            TrustPolicy created = delegate.create(policy);
            audit.record(audit.event(AuditEvent.POLICY_CREATE, AuditEvent.OK).policyId(created.id())
                    .provider(created.provider()).repository(created.repository()).agentId(created.agentId()).build());
            return created;
        }

        @Override
        public Optional<TrustPolicy> findById(UUID id) {
            return delegate.findById(id);
        }

        @Override
        public List<TrustPolicy> findCandidates(String provider, String repository, UUID agentId) {
            return delegate.findCandidates(provider, repository, agentId);
        }

        @Override
        public Page<TrustPolicy> list(TrustPolicyQuery query) {
            return delegate.list(query);
        }

        @Override
        public boolean delete(UUID id) {
            // Read first so the event names what was deleted; a policy gone in between is simply not found.
            Optional<TrustPolicy> doomed = delegate.findById(id);
            boolean deleted = delegate.delete(id);
            if (deleted) {
                AuditEvent.Builder e = audit.event(AuditEvent.POLICY_DELETE, AuditEvent.OK).policyId(id);
                doomed.ifPresent(p -> e.provider(p.provider()).repository(p.repository()).agentId(p.agentId()));
                audit.record(e.build());
            }
            return deleted;
        }

        @Override
        public Optional<RepositoryIds> findRepositoryIds(String provider, String repository) {
            return delegate.findRepositoryIds(provider, repository);
        }

        @Override
        public RepositoryIds pinRepositoryIds(String provider, String repository, RepositoryIds ids) {
            return delegate.pinRepositoryIds(provider, repository, ids);
        }
    }

    private final class Agents implements AgentRepository {
        private final AgentRepository delegate;

        Agents(AgentRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public Agent create(Agent agent) {
            return recorded(delegate.create(agent));
        }

        @Override
        public Optional<Agent> createSpending(Agent agent, ReplayGuard replayGuard, String issuer, String jti,
                                              Instant keepUntil) {
            return delegate.createSpending(agent, replayGuard, issuer, jti, keepUntil).map(this::recorded);
        }

        private Agent recorded(Agent created) {
            AuditEvent.Builder e = audit.event(AuditEvent.AGENT_CREATE, AuditEvent.OK).agentId(created.id());
            // createdBy is "admin" or, for a bootstrap token, "<provider>:<repository>@<ref>".
            String by = created.createdBy();
            int colon = by.indexOf(':');
            int at = by.lastIndexOf('@');
            if (colon > 0 && at > colon) {
                e.provider(by.substring(0, colon)).repository(by.substring(colon + 1, at)).ref(by.substring(at + 1));
            }
            audit.record(e.build());
            return created;
        }

        @Override
        public Optional<Agent> findById(UUID id) {
            return delegate.findById(id);
        }

        @Override
        public Page<Agent> list(PageRequest page) {
            return delegate.list(page);
        }

        @Override
        public boolean delete(UUID id) {
            boolean deleted = delegate.delete(id);
            if (deleted) {
                audit.record(audit.event(AuditEvent.AGENT_DELETE, AuditEvent.OK).agentId(id).build());
            }
            return deleted;
        }
    }
}
