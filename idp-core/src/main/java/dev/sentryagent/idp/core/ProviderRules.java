package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.util.List;

/**
 * What a trust policy may say for each provider type (contract section 2): the repository's
 * naming rules, the runner environments, and which conditions the platform has at all. Policies of
 * a type without rules here (a custom provider) get only the rules common to every type.
 */
final class ProviderRules {
    static final String GITHUB = GitHubProvider.TYPE;
    static final String GITLAB = GitLabProvider.TYPE;
    private static final List<String> GITHUB_RUNNERS = List.of("github-hosted", "self-hosted");
    private static final List<String> GITLAB_RUNNERS = List.of("gitlab-hosted", "self-hosted");

    private ProviderRules() {
    }

    /** @throws InvalidRequestException naming the field and the rule of {@code type} it breaks */
    static void check(String type, TrustPolicy policy) {
        TrustConditions c = policy.conditions();
        if (GITHUB.equals(type)) {
            Names.repository(policy.repository());
            runner(policy, GITHUB_RUNNERS);
        } else if (GITLAB.equals(type)) {
            Names.gitlabProject(policy.repository());
            if (c.jobWorkflows() != null) {
                throw new InvalidRequestException("conditions.jobWorkflows is GitHub only: provider "
                        + policy.provider() + " is a GitLab instance, whose pipelines have no reusable workflows "
                        + "(use conditions.workflows for the pipeline file)");
            }
            runner(policy, GITLAB_RUNNERS);
        }
    }

    private static void runner(TrustPolicy policy, List<String> allowed) {
        String runner = policy.conditions().runnerEnvironment();
        if (runner != null && !allowed.contains(runner)) {
            throw new InvalidRequestException("conditions.runnerEnvironment must be one of " + String.join(", ", allowed)
                    + " for provider " + policy.provider() + ", got " + Names.quote(runner));
        }
    }
}
