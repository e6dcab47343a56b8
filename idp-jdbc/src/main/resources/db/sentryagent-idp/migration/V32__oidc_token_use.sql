-- Single use of OIDC tokens, keyed by the token's own exp first (epoch ms): tokens arrive in
-- roughly exp order, so inserts land at the right edge of the primary key instead of on a random
-- page of an index ordered by the random jti (which H2 had to read back from its file for every
-- insert once the index outgrew its cache). The exp is signed, so one token always has the same
-- key and the first insert wins however many servers race. The key is never keep_until (exp plus
-- the provider's clock skew): the skew is configuration, and two servers with different skews
-- would then record one token under two keys and both accept it.
--
-- Rows may be purged once keep_until (epoch ms) has passed; the purge walks its index.
--
-- oidc_replay (V2) stays: its rows cannot be moved here (their exp is unknown), so the guard also
-- refuses a token recorded there until the purge has emptied it. A later migration drops it.
CREATE TABLE oidc_token_use (
    token_exp  BIGINT       NOT NULL,
    issuer     VARCHAR(512) NOT NULL,
    jti        VARCHAR(512) NOT NULL,
    keep_until BIGINT       NOT NULL,
    CONSTRAINT oidc_token_use_pk PRIMARY KEY (token_exp, issuer, jti)
);
CREATE INDEX oidc_token_use_keep_until ON oidc_token_use (keep_until);
