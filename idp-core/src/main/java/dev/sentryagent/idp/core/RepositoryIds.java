package dev.sentryagent.idp.core;

/**
 * The numeric ids that make a repository itself rather than its name: GitHub
 * {@code repository_id} and {@code repository_owner_id}, GitLab {@code project_id} and
 * {@code namespace_id}. A repository deleted and re-created under the same name gets new ids.
 *
 * @param repositoryId the repository's id
 * @param repositoryOwnerId its owner's id
 */
public record RepositoryIds(long repositoryId, long repositoryOwnerId) {
    public RepositoryIds {
        if (repositoryId <= 0) {
            throw new InvalidRequestException("repositoryId must be a positive number, got " + repositoryId);
        }
        if (repositoryOwnerId <= 0) {
            throw new InvalidRequestException("repositoryOwnerId must be a positive number, got " + repositoryOwnerId);
        }
    }
}
