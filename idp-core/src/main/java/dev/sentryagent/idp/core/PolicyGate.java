package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole trust-policy decision of the exchange behind one call: find the candidate policies of
 * the token's provider, repository and agent, check every condition of each, pick the admitting
 * policy or word the denial, and pin the repository's ids. The same code answers in evaluation
 * mode ({@link #evaluate}), which reads but never writes, so an explanation says exactly what an
 * exchange would.
 *
 * <p>Each candidate is checked in the contract's order: provider, repository, agent,
 * repositoryId, repositoryOwnerId, ref, event, environment, workflow, jobWorkflow, refProtected,
 * runnerEnvironment (and audience when one is requested). A token is admitted when some candidate
 * passes every check. Otherwise: when every candidate fails on the ref the denial is
 * {@link DenialReason#BRANCH_NOT_PERMITTED}; else it is a {@link DenialReason#TRUST_POLICY_VIOLATION}
 * naming the first failing condition of the candidate that got furthest, the token's value and
 * what the policies expected.
 *
 * <p>A repository is its ids, not its name: the ids are pinned per provider and repository, so
 * every policy of the repository holds the same ones. Thread-safe.
 */
public final class PolicyGate {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sentryagent.idp.exchange");
    /** Events refused unless a policy lists them: they run with a privileged identity on input from others. */
    public static final List<String> EVENTS_NEEDING_OPT_IN = List.of("workflow_run", "issue_comment");
    private static final String MERGE_REQUEST_EVENT = "merge_request_event";
    private static final String ANY_EVENT = "any event except workflow_run and issue_comment";

    private static final Comparator<TrustPolicy> PREFERENCE = Comparator
            .comparing((TrustPolicy p) -> p.branch() == null)          // an exact branch before patterns
            .thenComparing(p -> p.conditions().isEmpty())             // a conditioned policy before a bare one
            .thenComparing(TrustPolicy::createdAt)
            .thenComparing(p -> p.id().toString());
    /** Which of the policies listing a requested audience issues the token: the contract's "earliest created". */
    private static final Comparator<TrustPolicy> EARLIEST = Comparator.comparing(TrustPolicy::createdAt)
            .thenComparing(p -> p.id().toString());
    private static final String AUDIENCE = "audience";

    private final TrustPolicyRepository policies;
    private final AgentRepository agents;
    private final Map<String, String> providers;

    /**
     * A gate whose providers' types are their names where the name is {@code github} or
     * {@code gitlab}, else {@code custom}.
     *
     * @param policies where policies are stored
     * @param agents where agents are stored (an unknown agent has no policies)
     * @param providers the names of the configured providers; policies for others are refused
     */
    public PolicyGate(TrustPolicyRepository policies, AgentRepository agents, Collection<String> providers) {
        this(policies, agents, providers.stream().collect(Collectors.toMap(n -> n,
                n -> ProviderRules.GITHUB.equals(n) || ProviderRules.GITLAB.equals(n) ? n : "custom")));
    }

    /**
     * @param policies where policies are stored
     * @param agents where agents are stored (an unknown agent has no policies)
     * @param providerTypes the configured providers' names and their types ({@code github},
     *     {@code gitlab}, ...): policies for other names are refused, and each policy is validated
     *     by its provider's type
     */
    public PolicyGate(TrustPolicyRepository policies, AgentRepository agents, Map<String, String> providerTypes) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.providers = Map.copyOf(providerTypes);
    }

    /**
     * Stores a new policy: its provider must be configured, and its repository ids, where given,
     * must be the repository's pinned ids; where not given, it inherits them.
     *
     * @param policy the new policy, already valid in itself
     * @return the stored policy, with the pinned ids where the repository has them
     * @throws InvalidRequestException naming the field and the rule it breaks
     * @throws DuplicatePolicyException when an identical policy exists
     */
    public TrustPolicy create(TrustPolicy policy) {
        if (!providers.containsKey(policy.provider())) {
            throw new InvalidRequestException("provider " + Names.quote(policy.provider()) + " is not configured; "
                    + "configured providers: " + String.join(", ", providers.keySet().stream().sorted().toList()));
        }
        ProviderRules.check(providers.get(policy.provider()), policy);
        if ((policy.repositoryId() == null) != (policy.repositoryOwnerId() == null)) {
            throw new InvalidRequestException("repositoryId and repositoryOwnerId must be given together");
        }
        Optional<RepositoryIds> pinned = policies.findRepositoryIds(policy.provider(), policy.repository());
        TrustPolicy stored = policy;
        if (pinned.isPresent()) {
            RepositoryIds ids = pinned.get();
            if (policy.pinnedIds().isPresent() && !policy.pinnedIds().get().equals(ids)) {
                throw new InvalidRequestException("repositoryId and repositoryOwnerId must be the ids repository "
                        + policy.repository() + " is pinned to, " + ids.repositoryId() + " and " + ids.repositoryOwnerId()
                        + ", got " + policy.repositoryId() + " and " + policy.repositoryOwnerId());
            }
            stored = policy.pinned(ids.repositoryId(), ids.repositoryOwnerId());
        }
        return policies.create(stored);
    }

    /**
     * Exchange mode: the policy that admits {@code identity} for {@code agentId} (null: bootstrap),
     * after pinning the repository's ids to the token's where none were pinned.
     *
     * @param identity the verified identity of the exchanged token
     * @param agentId the agent asked for, or null for a bootstrap exchange
     * @return the admitting policy, with the repository's pinned ids
     * @throws AccessDeniedException saying which condition failed, the token's value and what the
     *     policies expected
     */
    public TrustPolicy admit(WorkloadIdentity identity, UUID agentId) {
        return admit(identity, agentId, null);
    }

    /**
     * Exchange mode for a requested audience: as {@link #admit(WorkloadIdentity, UUID)}, and the
     * admitting policy must list {@code audience} in its {@code audiences}; of the admitting
     * policies that do, the earliest created is the one returned.
     *
     * @param identity the verified identity of the exchanged token
     * @param agentId the agent asked for, or null for a bootstrap exchange
     * @param audience a requested audience other than the IdP's own, or null for none
     * @return the admitting policy, with the repository's pinned ids
     * @throws AccessDeniedException no policy admits the token, whatever the audience
     * @throws InvalidTargetException policies admit the token but none lists {@code audience}
     */
    public TrustPolicy admit(WorkloadIdentity identity, UUID agentId, String audience) {
        Candidates candidates = candidates(identity, agentId);
        TrustPolicy policy = decide(identity, agentId, audience, candidates).orThrow();
        if (candidates.pin != null && policy.pinnedIds().isPresent()
                && candidates.all.stream().allMatch(p -> p.pinnedIds().isPresent())) {
            return policy;
        }
        RepositoryIds stored = policies.pinRepositoryIds(identity.provider(), identity.repository(),
                identity.repositoryIds());
        if (!stored.equals(identity.repositoryIds())) {
            throw idsMismatch(identity, stored); // another exchange pinned other ids first
        }
        if (candidates.pin == null) {
            LOG.info("trust-policy repository={} provider={} pinned repositoryId={} repositoryOwnerId={} by policy={}",
                    identity.repository(), identity.provider(), stored.repositoryId(), stored.repositoryOwnerId(),
                    policy.id());
        }
        return policy.pinned(stored.repositoryId(), stored.repositoryOwnerId());
    }

    /**
     * Evaluation mode: what {@link #admit} would decide now, with the trace of every candidate;
     * pins nothing and writes nothing.
     *
     * @param identity the verified identity of the token to explain
     * @param agentId the agent asked for, or null for a bootstrap exchange
     * @param audience a requested audience other than the IdP's own, to check against the
     *     policies' {@code audiences}, or null
     * @return the decision and every candidate's trace
     */
    public PolicyEvaluation evaluate(WorkloadIdentity identity, UUID agentId, String audience) {
        return decide(identity, agentId, audience, candidates(identity, agentId));
    }

    private record Candidates(List<TrustPolicy> all, RepositoryIds pin) {
    }

    private Candidates candidates(WorkloadIdentity identity, UUID agentId) {
        // An unknown agent has no policies: the same answer as "no policy", so agents cannot be enumerated.
        List<TrustPolicy> found = agentId != null && agents.findById(agentId).isEmpty()
                ? List.of()
                : policies.findCandidates(identity.provider(), identity.repository(), agentId);
        RepositoryIds pin = found.stream().map(TrustPolicy::pinnedIds).flatMap(Optional::stream).findFirst()
                .orElse(null);
        if (pin == null && !found.isEmpty()) {
            // The repository's other policies (other agents) may be pinned already.
            pin = policies.findRepositoryIds(identity.provider(), identity.repository()).orElse(null);
        }
        return new Candidates(found, pin);
    }

    private PolicyEvaluation decide(WorkloadIdentity identity, UUID agentId, String audience, Candidates candidates) {
        List<PolicyTrace> traces = new ArrayList<>();
        for (TrustPolicy policy : candidates.all) {
            traces.add(trace(policy, identity, agentId, audience, candidates.pin));
        }
        // The contract's order: first whether a policy admits the token at all (else 403), only
        // then whether one of those lists the requested audience (else 400 invalid_target).
        // The audience check is each trace's last, so a trace failing only on it admits the token.
        List<TrustPolicy> admitting = new ArrayList<>();
        List<TrustPolicy> listingAudience = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            PolicyTrace trace = traces.get(i);
            if (trace.admits()) {
                listingAudience.add(candidates.all.get(i));
            }
            if (trace.firstFailure().map(c -> c.condition().equals(AUDIENCE)).orElse(true)) {
                admitting.add(candidates.all.get(i));
            }
        }
        if (TrustPolicy.PULL_REQUEST_TARGET.equals(identity.event())) {
            return PolicyEvaluation.deny(new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION,
                    "runs triggered by " + TrustPolicy.PULL_REQUEST_TARGET + " are refused (repository "
                            + identity.repository() + "): they run with the base repository's identity on behalf of "
                            + "a fork's code"), traces);
        }
        if (candidates.all.isEmpty()) {
            return PolicyEvaluation.deny(new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, agentId == null
                    ? "no bootstrap trust policy (one without agentId) for provider " + identity.provider()
                    + " and repository " + identity.repository()
                    : "no trust policy for provider " + identity.provider() + ", repository "
                    + identity.repository() + " and agent " + agentId), traces);
        }
        if (admitting.isEmpty()) {
            return denial(identity, agentId, candidates.all, traces, candidates.pin);
        }
        if (audience == null) {
            return PolicyEvaluation.allow(admitting.stream().min(PREFERENCE).orElseThrow(), traces);
        }
        if (listingAudience.isEmpty()) {
            Set<String> permitted = new LinkedHashSet<>();
            admitting.stream().sorted(EARLIEST).forEach(p -> {
                if (p.audiences() != null) {
                    permitted.addAll(p.audiences());
                }
            });
            return PolicyEvaluation.invalidTarget(new InvalidTargetException("audience " + Names.quote(audience)
                    + " is not permitted: it must be this IdP's issuer or one of the audiences of an admitting policy ("
                    + (permitted.isEmpty() ? "none lists audiences" : String.join(", ", permitted)) + ")"), traces);
        }
        return PolicyEvaluation.allow(listingAudience.stream().min(EARLIEST).orElseThrow(), traces);
    }

    private PolicyTrace trace(TrustPolicy policy, WorkloadIdentity identity, UUID agentId, String audience,
                              RepositoryIds repositoryPin) {
        List<PolicyCheck> checks = new ArrayList<>();
        checks.add(new PolicyCheck("provider", policy.provider().equals(identity.provider()), policy.provider(),
                identity.provider()));
        checks.add(new PolicyCheck("repository", Names.equalsIgnoreAsciiCase(policy.repository(), identity.repository()),
                policy.repository(), identity.repository()));
        checks.add(new PolicyCheck("agent", Objects.equals(policy.agentId(), agentId),
                policy.agentId() == null ? "none (bootstrap)" : policy.agentId().toString(),
                agentId == null ? "none (bootstrap)" : agentId.toString()));
        RepositoryIds pin = policy.pinnedIds().orElse(repositoryPin);
        checks.add(new PolicyCheck("repositoryId", pin == null || pin.repositoryId() == identity.repositoryId(),
                pin == null ? "any (not pinned yet)" : Long.toString(pin.repositoryId()),
                Long.toString(identity.repositoryId())));
        checks.add(new PolicyCheck("repositoryOwnerId",
                pin == null || pin.repositoryOwnerId() == identity.repositoryOwnerId(),
                pin == null ? "any (not pinned yet)" : Long.toString(pin.repositoryOwnerId()),
                Long.toString(identity.repositoryOwnerId())));
        checks.add(new PolicyCheck("ref", policy.admitsRef(identity.ref()), String.join(", ", policy.refPatterns()),
                identity.ref()));
        TrustConditions c = policy.conditions();
        // A fork's merge request runs the fork's code: only a policy that names the event admits it.
        boolean forkRefused = identity.forkMergeRequest()
                && (c.events() == null || !c.events().contains(MERGE_REQUEST_EVENT));
        checks.add(new PolicyCheck("event", !forkRefused && eventAdmitted(c.events(), identity.event()),
                c.events() == null ? ANY_EVENT : String.join(", ", c.events()), identity.event()));
        if (c.environments() != null) {
            checks.add(new PolicyCheck("environment", identity.environment() != null && c.environments().stream()
                    .anyMatch(e -> e.equalsIgnoreCase(identity.environment())),
                    String.join(", ", c.environments()), identity.environment()));
        }
        if (c.workflows() != null) {
            checks.add(new PolicyCheck("workflow", identity.workflow() != null
                    && c.workflows().contains(identity.workflow()), String.join(", ", c.workflows()),
                    identity.workflow()));
        }
        if (c.jobWorkflows() != null) {
            checks.add(new PolicyCheck("jobWorkflow", c.jobWorkflowMatches(identity.jobWorkflowRef()),
                    String.join(", ", c.jobWorkflows()), identity.jobWorkflowRef()));
        }
        if (c.refProtected() != null) {
            checks.add(new PolicyCheck("refProtected", Boolean.TRUE.equals(identity.refProtected()), "true",
                    identity.refProtected() == null ? null : identity.refProtected().toString()));
        }
        if (c.runnerEnvironment() != null) {
            checks.add(new PolicyCheck("runnerEnvironment", c.runnerEnvironment().equals(identity.runnerEnvironment()),
                    c.runnerEnvironment(), identity.runnerEnvironment()));
        }
        if (audience != null) {
            checks.add(new PolicyCheck(AUDIENCE, policy.audiences() != null && policy.audiences().contains(audience),
                    policy.audiences() == null ? "the issuer only" : String.join(", ", policy.audiences()), audience));
        }
        return new PolicyTrace(policy.id(), checks.stream().allMatch(PolicyCheck::ok), checks);
    }

    private static boolean eventAdmitted(List<String> events, String event) {
        if (TrustPolicy.PULL_REQUEST_TARGET.equals(event)) {
            return false;
        }
        return events == null ? !EVENTS_NEEDING_OPT_IN.contains(event) : events.contains(event);
    }

    private PolicyEvaluation denial(WorkloadIdentity identity, UUID agentId, List<TrustPolicy> candidates,
                                    List<PolicyTrace> traces, RepositoryIds pin) {
        if (traces.stream().allMatch(t -> !t.check("ref").orElseThrow().ok())
                && traces.stream().allMatch(t -> t.firstFailure().orElseThrow().condition().equals("ref"))) {
            return PolicyEvaluation.deny(branchNotPermitted(identity, agentId, candidates), traces);
        }
        int furthest = 0;
        for (int i = 1; i < traces.size(); i++) {
            if (traces.get(i).reach() > traces.get(furthest).reach()) {
                furthest = i;
            }
        }
        String condition = traces.get(furthest).firstFailure().orElseThrow().condition();
        if (condition.equals("repositoryId") || condition.equals("repositoryOwnerId")) {
            TrustPolicy policy = candidates.get(furthest);
            return PolicyEvaluation.deny(idsMismatch(identity, policy.pinnedIds().orElse(pin)), traces);
        }
        if (condition.equals("ref")) {
            return PolicyEvaluation.deny(branchNotPermitted(identity, agentId, candidates), traces);
        }
        // What every candidate that failed on this same condition expected.
        Set<String> expected = new LinkedHashSet<>();
        for (PolicyTrace trace : traces) {
            PolicyCheck first = trace.firstFailure().orElseThrow();
            if (first.condition().equals(condition)) {
                expected.add(first.expected());
            }
        }
        String actual = traces.get(furthest).firstFailure().orElseThrow().actual();
        String policiesFor = "the policies for " + identity.repository() + (agentId == null ? "" : " and agent " + agentId);
        String permitted = String.join("; ", expected);
        String detail = switch (condition) {
            case "event" -> identity.forkMergeRequest() ? "the run is a merge request from a fork (source project "
                    + identity.repository() + ", run by another project), refused unless a policy lists "
                    + MERGE_REQUEST_EVENT + " in conditions.events; " + policiesFor + " permit " + permitted
                    : "event " + Names.quote(actual) + " is not permitted; " + policiesFor + " permit " + permitted
                    + (EVENTS_NEEDING_OPT_IN.contains(actual) ? " (list it in conditions.events to allow it)" : "");
            case "environment" -> actual == null
                    ? "the run has no environment; " + policiesFor + " permit environment " + permitted
                    : "environment " + Names.quote(actual) + " is not permitted; " + policiesFor + " permit " + permitted;
            case "workflow" -> actual == null
                    ? "the run's workflow is not a file of repository " + identity.repository() + "; " + policiesFor
                    + " permit workflow " + permitted
                    : "workflow " + Names.quote(actual) + " is not permitted; " + policiesFor + " permit " + permitted;
            case "jobWorkflow" -> actual == null
                    ? "the run has no job workflow; " + policiesFor + " permit job workflow " + permitted
                    : "job workflow " + Names.quote(actual) + " is not permitted; " + policiesFor + " permit "
                    + permitted;
            case "refProtected" -> "protected ref required: ref " + Names.quote(identity.ref())
                    + " is not protected; " + policiesFor + " permit only protected refs";
            case "runnerEnvironment" -> "runner environment " + Names.quote(actual) + " is not permitted; "
                    + policiesFor + " permit " + permitted;
            default -> condition + " " + Names.quote(actual) + " is not permitted; " + policiesFor + " permit "
                    + permitted;
        };
        return PolicyEvaluation.deny(new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, detail), traces);
    }

    private static AccessDeniedException branchNotPermitted(WorkloadIdentity identity, UUID agentId,
                                                            List<TrustPolicy> candidates) {
        String forWhom = "; the trust policies for repository " + identity.repository()
                + (agentId == null ? "" : " and agent " + agentId);
        boolean branchesOnly = candidates.stream().allMatch(p -> p.conditions().refs() == null);
        if (branchesOnly) {
            // Version 1's wording, which the Actions' troubleshooting quotes.
            boolean anyBranch = candidates.stream().anyMatch(p -> p.branch() == null);
            String permitted = anyBranch ? "any branch"
                    : "branches " + String.join(", ", candidates.stream().map(TrustPolicy::branch).distinct().sorted()
                    .toList());
            return new AccessDeniedException(DenialReason.BRANCH_NOT_PERMITTED, identity.branch()
                    .map(b -> "branch " + b + " is not permitted")
                    .orElse("ref " + identity.ref() + " is not a branch") + forWhom + " permit " + permitted
                    + (anyBranch ? " (tags and other refs need conditions.refs)" : ""));
        }
        Set<String> patterns = new LinkedHashSet<>();
        candidates.forEach(p -> patterns.addAll(p.refPatterns()));
        return new AccessDeniedException(DenialReason.BRANCH_NOT_PERMITTED, "ref " + identity.ref()
                + " is not permitted" + forWhom + " permit " + String.join(", ", patterns));
    }

    private static AccessDeniedException idsMismatch(WorkloadIdentity identity, RepositoryIds pinned) {
        return new AccessDeniedException(DenialReason.TRUST_POLICY_VIOLATION, "repository "
                + identity.repository() + " has repository_id " + identity.repositoryId()
                + " and repository_owner_id " + identity.repositoryOwnerId() + ", but its trust policies are pinned to "
                + "repositoryId " + pinned.repositoryId() + " and repositoryOwnerId " + pinned.repositoryOwnerId()
                + " (was the repository deleted and re-created?)");
    }
}
