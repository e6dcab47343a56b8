package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.Agent;
import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.InvalidRequestException;
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
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A thread-safe store in memory, for tests and for a single process that may forget everything
 * at restart. Policies and agents share one lock, so "an agent's policies go with it" is atomic.
 */
public final class InMemoryStore implements IdpStore {
    private static final int PURGE_EVERY = 1024;

    private final Object lock = new Object();
    // Keyed by the id's text: the order every store lists in.
    private final TreeMap<String, TrustPolicy> policies = new TreeMap<>();
    private final Map<String, UUID> policyIdentities = new HashMap<>();
    private final TreeMap<String, Agent> agents = new TreeMap<>();
    private final ConcurrentHashMap<String, Instant> replays = new ConcurrentHashMap<>();
    private final List<SigningKey> keys = new ArrayList<>();
    private final Clock clock;
    private int replayCalls;

    private final TrustPolicyRepository trustPolicies = new Policies();
    private final AgentRepository agentRepository = new Agents();
    private final ReplayGuard replayGuard = new ReplayGuard() {
        @Override
        public boolean firstUse(String issuer, String jti, Instant keepUntil) {
            return InMemoryStore.this.firstUse(issuer, jti, keepUntil);
        }

        @Override
        public boolean wasUsed(String issuer, String jti) {
            Instant kept = replays.get(issuer + '\n' + jti);
            return kept != null && !kept.isBefore(clock.instant());
        }
    };
    private final SigningKeyStore signingKeys = new Keys();
    private final RevocationList revocations = new InMemoryRevocationList();
    private final AuditLog auditLog = new InMemoryAuditLog();

    /** An empty store on the system clock. */
    public InMemoryStore() {
        this(Clock.systemUTC());
    }

    /**
     * An empty store with a clock, which decides when replay records may be forgotten.
     *
     * @param clock the clock replay records expire by
     */
    public InMemoryStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public TrustPolicyRepository trustPolicies() {
        return trustPolicies;
    }

    @Override
    public AgentRepository agents() {
        return agentRepository;
    }

    @Override
    public ReplayGuard replayGuard() {
        return replayGuard;
    }

    @Override
    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    @Override
    public RevocationList revocations() {
        return revocations;
    }

    @Override
    public AuditLog auditLog() {
        return auditLog;
    }

    @Override
    public void checkHealth() {
        // Memory always answers.
    }

    /**
     * {@return how many replay records are held, expired ones not yet purged included; for tests of purging}
     */
    public int replayRecordCount() {
        return replays.size();
    }

    private boolean firstUse(String issuer, String jti, Instant keepUntil) {
        Objects.requireNonNull(keepUntil, "keepUntil");
        String key = issuer + '\n' + jti;
        Instant now = clock.instant();
        boolean[] first = {false};
        replays.compute(key, (k, existing) -> {
            if (existing == null || existing.isBefore(now)) {
                first[0] = true;
                return keepUntil;
            }
            return existing;
        });
        purgeNowAndThen(now);
        return first[0];
    }

    private void purgeNowAndThen(Instant now) {
        synchronized (replays) {
            if (++replayCalls % PURGE_EVERY != 0) {
                return;
            }
        }
        replays.entrySet().removeIf(e -> e.getValue().isBefore(now));
    }

    private static <T> Page<T> page(TreeMap<String, T> source, PageRequest page, Predicate<T> filter,
                                    java.util.function.Function<T, UUID> id) {
        Map<String, T> tail = page.after() == null ? source : source.tailMap(page.after().toString(), false);
        List<T> fetched = new ArrayList<>();
        for (Iterator<T> it = tail.values().iterator(); it.hasNext() && fetched.size() <= page.limit(); ) {
            T item = it.next();
            if (filter.test(item)) {
                fetched.add(item);
            }
        }
        return Page.fromOverfetch(fetched, page.limit(), id);
    }

    private final class Policies implements TrustPolicyRepository {
        @Override
        public TrustPolicy create(TrustPolicy policy) {
            synchronized (lock) {
                UUID existing = policyIdentities.get(policy.identityKey());
                if (existing != null) {
                    throw new DuplicatePolicyException(existing);
                }
                if (policy.agentId() != null && !agents.containsKey(policy.agentId().toString())) {
                    throw new InvalidRequestException("agentId must name an existing agent, got " + policy.agentId());
                }
                if (policies.containsKey(policy.id().toString())) {
                    throw new DuplicatePolicyException(policy.id());
                }
                policies.put(policy.id().toString(), policy);
                policyIdentities.put(policy.identityKey(), policy.id());
                return policy;
            }
        }

        @Override
        public Optional<TrustPolicy> findById(UUID id) {
            synchronized (lock) {
                return Optional.ofNullable(policies.get(id.toString()));
            }
        }

        @Override
        public List<TrustPolicy> findCandidates(String provider, String repository, UUID agentId) {
            String repositoryKey = repository.toLowerCase(Locale.ROOT);
            synchronized (lock) {
                return policies.values().stream()
                        .filter(p -> p.provider().equals(provider) && p.repositoryKey().equals(repositoryKey)
                                && Objects.equals(p.agentId(), agentId))
                        .toList();
            }
        }

        @Override
        public Page<TrustPolicy> list(TrustPolicyQuery query) {
            String repositoryKey = query.repository() == null ? null : query.repository().toLowerCase(Locale.ROOT);
            Predicate<TrustPolicy> filter = p -> (query.provider() == null || p.provider().equals(query.provider()))
                    && (repositoryKey == null || p.repositoryKey().equals(repositoryKey))
                    && (query.agentId() == null || query.agentId().equals(p.agentId()));
            synchronized (lock) {
                return page(policies, query.page(), filter, TrustPolicy::id);
            }
        }

        @Override
        public boolean delete(UUID id) {
            synchronized (lock) {
                TrustPolicy removed = policies.remove(id.toString());
                if (removed != null) {
                    policyIdentities.remove(removed.identityKey());
                }
                return removed != null;
            }
        }

        @Override
        public Optional<RepositoryIds> findRepositoryIds(String provider, String repository) {
            String repositoryKey = repository.toLowerCase(Locale.ROOT);
            synchronized (lock) {
                return policies.values().stream()
                        .filter(p -> p.provider().equals(provider) && p.repositoryKey().equals(repositoryKey)
                                && p.pinnedIds().isPresent())
                        .min(Comparator.comparing(TrustPolicy::createdAt).thenComparing(p -> p.id().toString()))
                        .flatMap(TrustPolicy::pinnedIds);
            }
        }

        @Override
        public RepositoryIds pinRepositoryIds(String provider, String repository, RepositoryIds ids) {
            String repositoryKey = repository.toLowerCase(Locale.ROOT);
            synchronized (lock) {
                RepositoryIds pinned = findRepositoryIds(provider, repository).orElse(ids);
                policies.replaceAll((key, p) -> p.provider().equals(provider) && p.repositoryKey().equals(repositoryKey)
                        ? p.pinned(pinned.repositoryId(), pinned.repositoryOwnerId()) : p);
                return pinned;
            }
        }
    }

    private final class Agents implements AgentRepository {
        @Override
        public Optional<Agent> createSpending(Agent agent, ReplayGuard replayGuard, String issuer, String jti,
                                              Instant keepUntil) {
            synchronized (lock) { // storing cannot fail once the id is known to be free
                if (agents.containsKey(agent.id().toString())) {
                    throw new InvalidRequestException("an agent with id " + agent.id() + " already exists");
                }
                if (!firstUse(issuer, jti, keepUntil)) {
                    return Optional.empty();
                }
                return Optional.of(create(agent));
            }
        }

        @Override
        public Agent create(Agent agent) {
            synchronized (lock) {
                if (agents.putIfAbsent(agent.id().toString(), agent) != null) {
                    throw new InvalidRequestException("an agent with id " + agent.id() + " already exists");
                }
                return agent;
            }
        }

        @Override
        public Optional<Agent> findById(UUID id) {
            synchronized (lock) {
                return Optional.ofNullable(agents.get(id.toString()));
            }
        }

        @Override
        public Page<Agent> list(PageRequest page) {
            synchronized (lock) {
                return page(agents, page, a -> true, Agent::id);
            }
        }

        @Override
        public boolean delete(UUID id) {
            synchronized (lock) {
                if (agents.remove(id.toString()) == null) {
                    return false;
                }
                policies.values().removeIf(p -> {
                    boolean named = id.equals(p.agentId());
                    if (named) {
                        policyIdentities.remove(p.identityKey());
                    }
                    return named;
                });
                return true;
            }
        }
    }

    private final class Keys implements SigningKeyStore {
        @Override
        public List<SigningKey> loadAll() {
            synchronized (keys) {
                List<SigningKey> copy = new ArrayList<>(keys);
                copy.sort(Comparator.comparing(SigningKey::createdAt));
                return copy;
            }
        }

        @Override
        public void add(SigningKey key) {
            synchronized (keys) {
                if (keys.stream().anyMatch(k -> k.kid().equals(key.kid()))) {
                    throw new IllegalStateException("a signing key with kid " + key.kid() + " already exists");
                }
                keys.add(key);
            }
        }

        @Override
        public boolean delete(String kid) {
            synchronized (keys) {
                return keys.removeIf(k -> k.kid().equals(kid));
            }
        }
    }
}
