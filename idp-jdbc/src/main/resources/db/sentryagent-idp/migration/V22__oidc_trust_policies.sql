-- Trust policies: which repository (and branch, and agent) may exchange OIDC tokens.
-- Migration 22 as the product's history numbers it.
--
-- The *_key columns exist for the unique constraint: they are NOT NULL (so "no branch" and
-- "no agent" are one value each, not distinct NULLs) and repository_key is lower-case (GitHub
-- names compare case-insensitively). CHECK constraints keep them derived from the real columns,
-- so two servers racing to create the same policy can never both succeed.
CREATE TABLE oidc_trust_policies (
    id                  UUID         NOT NULL PRIMARY KEY,
    provider            VARCHAR(32)  NOT NULL,
    repository          VARCHAR(140) NOT NULL,
    repository_key      VARCHAR(140) NOT NULL,
    branch              VARCHAR(255),
    branch_key          VARCHAR(255) NOT NULL,
    agent_id            UUID         REFERENCES agents (id) ON DELETE CASCADE,
    agent_key           VARCHAR(36)  NOT NULL,
    repository_id       BIGINT,
    repository_owner_id BIGINT,
    created_at          BIGINT       NOT NULL,
    CONSTRAINT oidc_trust_policies_identity UNIQUE (provider, repository_key, branch_key, agent_key),
    CONSTRAINT oidc_trust_policies_repository_key CHECK (repository_key = LOWER(repository)),
    CONSTRAINT oidc_trust_policies_branch_key CHECK (branch_key = COALESCE(branch, '')),
    CONSTRAINT oidc_trust_policies_agent_key CHECK (agent_key = COALESCE(CAST(agent_id AS VARCHAR(36)), ''))
);
CREATE INDEX oidc_trust_policies_agent ON oidc_trust_policies (agent_id);
