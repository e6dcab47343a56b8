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
    public TrustPolicyQuery {
        if (provider != null) {
            Names.provider(provider);
        }
        if (repository != null) {
            Names.repositoryPath(repository);
        }
        Objects.requireNonNull(page, "page");
    }

    public static TrustPolicyQuery all(PageRequest page) {
        return new TrustPolicyQuery(null, null, null, page);
    }
}
