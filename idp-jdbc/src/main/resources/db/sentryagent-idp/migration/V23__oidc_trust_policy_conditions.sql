-- Trust policies version 2: conditions, audiences and a token lifetime per policy.
--
-- conditions holds the JSON object of TrustConditions.toJson() (NULL: none), audiences the
-- policy's audiences separated by spaces (URIs hold none), token_ttl_seconds the lifetime.
-- Policies are found by provider, repository and agent, never by a condition, so the JSON needs
-- no index of its own: the candidate lookup walks the unique index below by its prefix.
--
-- shape_key is TrustPolicy.shapeKey(): a SHA-256 of the canonical conditions, audiences and
-- lifetime, '' when the policy has none. It joins the unique identity, so two policies that differ
-- only in their conditions are two policies; every version 1 row keeps '' and its identity.
ALTER TABLE oidc_trust_policies ADD COLUMN conditions VARCHAR(65535);
ALTER TABLE oidc_trust_policies ADD COLUMN audiences VARCHAR(21000);
ALTER TABLE oidc_trust_policies ADD COLUMN token_ttl_seconds INTEGER;
ALTER TABLE oidc_trust_policies ADD COLUMN shape_key VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE oidc_trust_policies DROP CONSTRAINT oidc_trust_policies_identity;
-- provider, repository_key, agent_key first: the candidate lookup and the repository's pinned ids
-- (provider, repository_key) use it as their index.
ALTER TABLE oidc_trust_policies ADD CONSTRAINT oidc_trust_policies_identity
    UNIQUE (provider, repository_key, agent_key, branch_key, shape_key);
