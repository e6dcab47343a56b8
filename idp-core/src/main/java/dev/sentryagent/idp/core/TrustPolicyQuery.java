package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.util.Objects;
import java.util.UUID;

/**
 * Filters for listing trust policies; each null filter matches everything.
 *
 * @param provider only this provider
 * @param repository only this repository (case-insensitive)
 * @param agentId only policies for this agent
 * @param page which page
 */
public record TrustPolicyQuery(String provider, String repository, UUID agentId, PageRequest page) {
    /**
     * Checks the filters that are set.
     *
     * @param provider only this provider
     * @param repository only this repository (case-insensitive)
     * @param agentId only policies for this agent
     * @param page which page
     * @throws InvalidRequestException if {@code provider} or {@code repository} is set but malformed
     * @throws NullPointerException if {@code page} is null
     */
    public TrustPolicyQuery {
        if (provider != null) {
            Names.provider(provider);
        }
        if (repository != null) {
            Names.repositoryPath(repository);
        }
        Objects.requireNonNull(page, "page");
    }

    /**
     * {@return a query with no filter: every policy, one page at a time}
     *
     * @param page which page
     */
    public static TrustPolicyQuery all(PageRequest page) {
        return new TrustPolicyQuery(null, null, null, page);
    }
}
