-- One row counting the changes to oidc_trust_policies. Every change the store makes (create,
-- delete, pinning repository ids, deleting an agent and with it its policies) adds one to it in the
-- same transaction, so a server can keep the policies it has read in memory and, per exchange,
-- read this one row instead of the policies: the same revision means the same policies, on every
-- server sharing the database. A change made by hand in SQL must add one too, or servers go on
-- deciding with what they cached:
--   UPDATE oidc_policy_revision SET revision = revision + 1 WHERE id = 1;
CREATE TABLE oidc_policy_revision (
    id       INT    NOT NULL PRIMARY KEY,
    revision BIGINT NOT NULL
);
INSERT INTO oidc_policy_revision (id, revision) VALUES (1, 0);
