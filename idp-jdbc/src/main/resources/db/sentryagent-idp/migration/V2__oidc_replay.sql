-- Single use of OIDC tokens: the primary key makes the first insert of an (issuer, jti) win,
-- however many servers race. Rows may be purged once expires_at (epoch ms) has passed.
CREATE TABLE oidc_replay (
    issuer     VARCHAR(512) NOT NULL,
    jti        VARCHAR(512) NOT NULL,
    expires_at BIGINT       NOT NULL,
    CONSTRAINT oidc_replay_pk PRIMARY KEY (issuer, jti)
);
CREATE INDEX oidc_replay_expires_at ON oidc_replay (expires_at);
