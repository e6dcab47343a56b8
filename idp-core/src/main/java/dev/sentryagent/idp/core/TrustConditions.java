package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Glob;
import dev.sentryagent.idp.core.internal.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * The conditions of a trust policy beyond repository, branch and agent, over a
 * {@link WorkloadIdentity} (so they read the same for every provider). Each condition that is set
 * must hold; an unset one does not restrict. Built by {@link #builder()}, which validates every
 * field as the HTTP contract words it and compiles the patterns once. Immutable and thread-safe.
 */
public final class TrustConditions {
    /** Conditions that restrict nothing beyond the policy's defaults. */
    public static final TrustConditions NONE = new Builder().build();
    /** The most entries a list may hold. */
    public static final int MAX_ENTRIES = 20;
    private static final int MAX_VALUE_LENGTH = 255;
    /** What every store holds of {@link #toJson()} (the JDBC column is {@code VARCHAR(65535)}). */
    private static final int MAX_STORED_LENGTH = 65_535;
    private static final int MAX_JOB_WORKFLOW_LENGTH = 512;
    private static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** The runner environments a policy may require (GitHub and GitLab's names). */
    public static final List<String> RUNNER_ENVIRONMENTS = List.of("github-hosted", "gitlab-hosted", "self-hosted");

    private final List<String> refs;
    private final List<Glob> refGlobs;
    private final List<String> environments;
    private final List<String> workflows;
    private final List<String> jobWorkflows;
    private final List<JobWorkflow> jobWorkflowMatchers;
    private final List<String> events;
    private final Boolean refProtected;
    private final String runnerEnvironment;

    private TrustConditions(Builder b) {
        this.refs = list("conditions.refs", b.refs);
        List<Glob> globs = new ArrayList<>();
        if (refs != null) {
            for (String ref : refs) {
                globs.add(refPattern(ref));
            }
        }
        this.refGlobs = List.copyOf(globs);
        this.environments = list("conditions.environments", b.environments);
        if (environments != null) {
            environments.forEach(e -> value("conditions.environments", e));
        }
        this.workflows = list("conditions.workflows", b.workflows);
        if (workflows != null) {
            workflows.forEach(TrustConditions::workflowPath);
        }
        this.jobWorkflows = list("conditions.jobWorkflows", b.jobWorkflows);
        List<JobWorkflow> matchers = new ArrayList<>();
        if (jobWorkflows != null) {
            jobWorkflows.forEach(j -> matchers.add(JobWorkflow.parse(j)));
        }
        this.jobWorkflowMatchers = List.copyOf(matchers);
        this.events = list("conditions.events", b.events);
        if (events != null) {
            events.forEach(TrustConditions::event);
        }
        if (Boolean.FALSE.equals(b.refProtected)) {
            throw new InvalidRequestException("conditions.refProtected must be true or absent: "
                    + "false would not restrict anything");
        }
        this.refProtected = b.refProtected;
        if (b.runnerEnvironment != null && !RUNNER_ENVIRONMENTS.contains(b.runnerEnvironment)) {
            throw new InvalidRequestException("conditions.runnerEnvironment must be one of "
                    + String.join(", ", RUNNER_ENVIRONMENTS) + ", got " + Names.quote(b.runnerEnvironment));
        }
        this.runnerEnvironment = b.runnerEnvironment;
        int stored = toJson().length();
        if (stored > MAX_STORED_LENGTH) {
            throw new InvalidRequestException("conditions must take at most " + MAX_STORED_LENGTH
                    + " characters as stored (JSON, where some characters take six), got " + stored
                    + ": use fewer or shorter entries");
        }
    }

    /** {@return a builder with every condition unset} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the ref patterns ({@code refs/heads/...} or {@code refs/tags/...}), or null when unset} */
    public List<String> refs() {
        return refs;
    }

    /** {@return the environments, compared case-insensitively, or null when unset} */
    public List<String> environments() {
        return environments;
    }

    /** {@return the caller workflow file paths, compared exactly, or null when unset} */
    public List<String> workflows() {
        return workflows;
    }

    /** {@return the reusable workflows {@code owner/repo/path@ref-pattern}, or null when unset} */
    public List<String> jobWorkflows() {
        return jobWorkflows;
    }

    /** {@return the events that may trigger the run, or null when unset} */
    public List<String> events() {
        return events;
    }

    /** {@return {@code true} when the ref must be protected, or null when unset} */
    public Boolean refProtected() {
        return refProtected;
    }

    /** {@return the runner environment required, or null when unset} */
    public String runnerEnvironment() {
        return runnerEnvironment;
    }

    /** {@return true when no condition is set} */
    public boolean isEmpty() {
        return refs == null && environments == null && workflows == null && jobWorkflows == null
                && events == null && refProtected == null && runnerEnvironment == null;
    }

    /**
     * {@return true when {@code ref} matches one of {@link #refs()}; false when none is set}
     *
     * @param ref a full git ref, e.g. {@code refs/tags/v1.2.0}
     */
    public boolean refMatches(String ref) {
        return refGlobs.stream().anyMatch(g -> g.matches(ref));
    }

    /**
     * {@return true when {@code jobWorkflowRef} matches one of {@link #jobWorkflows()}; false when it is null
     * or none is set}
     *
     * @param jobWorkflowRef the token's {@code job_workflow_ref}, {@code owner/repo/path@ref}, or null
     */
    public boolean jobWorkflowMatches(String jobWorkflowRef) {
        return jobWorkflowRef != null && jobWorkflowMatchers.stream().anyMatch(m -> m.matches(jobWorkflowRef));
    }

    /**
     * The conditions as a JSON object with the contract's member names, unset ones left out; the
     * storage form, read back by {@link #fromJson(String)}.
     *
     * @return a JSON object, {@code {}} for {@link #NONE}
     */
    public String toJson() {
        return JsonUtil.toJson(asMap(false));
    }

    /**
     * The canonical text of these conditions: lists sorted and without repeats, so that two
     * policies that admit the same tokens have the same text. Part of
     * {@link TrustPolicy#identityKey()}.
     *
     * @return a JSON object, its lists sorted without repeats and its environments in lower case
     */
    public String canonical() {
        return JsonUtil.toJson(asMap(true));
    }

    /** {@return the members as a map with the contract's names, unset ones left out} */
    public Map<String, Object> asMap() {
        return asMap(false);
    }

    private Map<String, Object> asMap(boolean canonical) {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, "refs", refs, canonical);
        put(map, "environments", canonical && environments != null
                ? environments.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList() : environments, canonical);
        put(map, "workflows", workflows, canonical);
        put(map, "jobWorkflows", jobWorkflows, canonical);
        put(map, "events", events, canonical);
        if (refProtected != null) {
            map.put("refProtected", refProtected);
        }
        if (runnerEnvironment != null) {
            map.put("runnerEnvironment", runnerEnvironment);
        }
        return map;
    }

    private static void put(Map<String, Object> map, String name, List<String> values, boolean canonical) {
        if (values != null) {
            map.put(name, canonical ? List.copyOf(new TreeSet<>(values)) : values);
        }
    }

    /**
     * Reads the storage form written by {@link #toJson()}; null or blank text is {@link #NONE}.
     *
     * @param json the text of {@link #toJson()}, or null or blank
     * @return the conditions it holds
     * @throws InvalidRequestException when the text is not such an object
     */
    @SuppressWarnings("unchecked")
    public static TrustConditions fromJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        Map<String, Object> map;
        try {
            map = JsonUtil.parseJson(json);
        } catch (JoseException e) {
            throw new InvalidRequestException("conditions are not a JSON object");
        }
        try {
            return builder()
                    .refs((List<String>) map.get("refs"))
                    .environments((List<String>) map.get("environments"))
                    .workflows((List<String>) map.get("workflows"))
                    .jobWorkflows((List<String>) map.get("jobWorkflows"))
                    .events((List<String>) map.get("events"))
                    .refProtected((Boolean) map.get("refProtected"))
                    .runnerEnvironment((String) map.get("runnerEnvironment"))
                    .build();
        } catch (ClassCastException e) {
            throw new InvalidRequestException("conditions hold a member of the wrong type");
        }
    }

    private static List<String> list(String field, List<String> values) {
        if (values == null) {
            return null;
        }
        if (values.isEmpty() || values.size() > MAX_ENTRIES) {
            throw new InvalidRequestException(field + " must hold 1 to " + MAX_ENTRIES + " entries, got "
                    + values.size());
        }
        for (Object value : values) {
            if (!(value instanceof String s) || s.isBlank()) {
                throw new InvalidRequestException(field + " entries must be non-empty strings");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static void value(String field, String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new InvalidRequestException(field + " entries must be at most " + MAX_VALUE_LENGTH
                    + " characters, got " + Names.quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidRequestException(field + " entries must not contain control characters, got "
                        + Names.quote(value));
            }
        }
    }

    private static Glob refPattern(String ref) {
        value("conditions.refs", ref);
        boolean prefixed = ref.startsWith("refs/heads/") && ref.length() > "refs/heads/".length()
                || ref.startsWith("refs/tags/") && ref.length() > "refs/tags/".length();
        if (!prefixed) {
            throw new InvalidRequestException("conditions.refs patterns must start with refs/heads/ or refs/tags/ "
                    + "and name at least one more character, got " + Names.quote(ref));
        }
        return Glob.compile("conditions.refs", ref);
    }

    private static void workflowPath(String path) {
        value("conditions.workflows", path);
        if (path.contains("@") || path.startsWith("/")) {
            throw new InvalidRequestException("conditions.workflows entries must be a workflow file's path in the "
                    + "repository, like .github/workflows/deploy.yml (no leading / and no @ref), got "
                    + Names.quote(path));
        }
    }

    private static void event(String event) {
        if (!EVENT.matcher(event).matches()) {
            throw new InvalidRequestException("conditions.events entries must be event names (lower-case letters, "
                    + "digits and _), got " + Names.quote(event));
        }
        if (TrustPolicy.PULL_REQUEST_TARGET.equals(event)) {
            throw new InvalidRequestException("conditions.events must not list " + TrustPolicy.PULL_REQUEST_TARGET
                    + ": its runs are always refused (a fork's code with the base repository's identity)");
        }
    }

    /** {@code owner/repo/path@ref-pattern}: owner and repo case-insensitive, path exact, ref a glob. */
    private record JobWorkflow(String repositoryKey, String path, Glob ref) {
        static JobWorkflow parse(String value) {
            if (value.length() > MAX_JOB_WORKFLOW_LENGTH) {
                throw new InvalidRequestException("conditions.jobWorkflows entries must be at most "
                        + MAX_JOB_WORKFLOW_LENGTH + " characters, got " + Names.quote(value));
            }
            int at = value.indexOf('@');
            String[] parts = at < 0 ? new String[0] : value.substring(0, at).split("/", 3);
            if (at < 0 || at == value.length() - 1 || parts.length < 3 || parts[2].isEmpty()) {
                throw new InvalidRequestException("conditions.jobWorkflows entries must be owner/repo/path@ref, "
                        + "like org/shared/.github/workflows/release.yml@refs/heads/main, got " + Names.quote(value));
            }
            String repository = parts[0] + "/" + parts[1];
            try {
                Names.repository(repository);
            } catch (InvalidRequestException e) {
                throw new InvalidRequestException("conditions.jobWorkflows entries must start with a repository "
                        + "owner/name, got " + Names.quote(value));
            }
            value("conditions.jobWorkflows", parts[2]);
            return new JobWorkflow(repository.toLowerCase(Locale.ROOT), parts[2],
                    Glob.compile("conditions.jobWorkflows", value.substring(at + 1)));
        }

        boolean matches(String jobWorkflowRef) {
            int at = jobWorkflowRef.indexOf('@');
            // Several @: the path or the ref holds one, and nothing in the token says which, so
            // release.yml@x.yml at any ref could pass for release.yml: admit nothing.
            if (at < 0 || jobWorkflowRef.indexOf('@', at + 1) >= 0) {
                return false;
            }
            String[] parts = jobWorkflowRef.substring(0, at).split("/", 3);
            return parts.length == 3
                    && Names.equalsIgnoreAsciiCase(parts[0] + "/" + parts[1], repositoryKey)
                    && parts[2].equals(path)
                    && ref.matches(jobWorkflowRef.substring(at + 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustConditions other && other.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "TrustConditions" + toJson();
    }

    /** Settings of {@link TrustConditions}; null leaves a condition unset. */
    public static final class Builder {
        private List<String> refs;
        private List<String> environments;
        private List<String> workflows;
        private List<String> jobWorkflows;
        private List<String> events;
        private Boolean refProtected;
        private String runnerEnvironment;

        private Builder() {
        }

        /**
         * Ref patterns, each starting with {@code refs/heads/} or {@code refs/tags/}.
         *
         * @param refs the patterns; null unsets the condition
         * @return this builder
         */
        public Builder refs(List<String> refs) {
            this.refs = refs;
            return this;
        }

        /**
         * Environments the job must run in, compared case-insensitively.
         *
         * @param environments the environment names; null unsets the condition
         * @return this builder
         */
        public Builder environments(List<String> environments) {
            this.environments = environments;
            return this;
        }

        /**
         * Caller workflow files, by their path in the repository, e.g. {@code .github/workflows/deploy.yml}.
         *
         * @param workflows the workflow paths; null unsets the condition
         * @return this builder
         */
        public Builder workflows(List<String> workflows) {
            this.workflows = workflows;
            return this;
        }

        /**
         * Reusable workflows the job must run, {@code owner/repo/path@ref-pattern} (GitHub only).
         *
         * @param jobWorkflows the reusable workflows; null unsets the condition
         * @return this builder
         */
        public Builder jobWorkflows(List<String> jobWorkflows) {
            this.jobWorkflows = jobWorkflows;
            return this;
        }

        /**
         * Events that may trigger the run; {@code pull_request_target} cannot be listed.
         *
         * @param events the event names, e.g. {@code push}; null unsets the condition
         * @return this builder
         */
        public Builder events(List<String> events) {
            this.events = events;
            return this;
        }

        /**
         * {@code true}: the ref must be protected. {@code false} is refused: it would restrict nothing.
         *
         * @param refProtected {@code true}, or null to unset the condition
         * @return this builder
         */
        public Builder refProtected(Boolean refProtected) {
            this.refProtected = refProtected;
            return this;
        }

        /**
         * The runner environment required: {@code github-hosted}, {@code gitlab-hosted} or {@code self-hosted}.
         *
         * @param runnerEnvironment one of {@link #RUNNER_ENVIRONMENTS}, or null to unset the condition
         * @return this builder
         */
        public Builder runnerEnvironment(String runnerEnvironment) {
            this.runnerEnvironment = runnerEnvironment;
            return this;
        }

        /**
         * Validates every field and compiles the patterns.
         *
         * @return the conditions, immutable
         * @throws InvalidRequestException naming the field and the rule it breaks
         */
        public TrustConditions build() {
            return new TrustConditions(this);
        }
    }

}
