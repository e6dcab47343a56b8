-- Audit events: every exchange outcome, revocation, rotation and admin change. Times are epoch
-- milliseconds (UTC). Listing is newest first by (event_time, id); id is the UUID's text, so that
-- every database orders it the same way. repository_key is the lower-case repository, for the
-- case-insensitive filter. No column ever holds a token: subject_token_sha256 is the hex SHA-256
-- of the submitted OIDC token. Rows older than the retention (IDP_AUDIT_RETENTION) are purged.
CREATE TABLE audit_events (
    id                   VARCHAR(36)   NOT NULL PRIMARY KEY,
    event_time           BIGINT        NOT NULL,
    type                 VARCHAR(32)   NOT NULL,
    outcome              VARCHAR(8)    NOT NULL,
    provider             VARCHAR(64),
    repository           VARCHAR(200),
    repository_key       VARCHAR(200),
    ref                  VARCHAR(255),
    run_id               VARCHAR(64),
    agent_id             UUID,
    policy_id            UUID,
    error                VARCHAR(64),
    error_description    VARCHAR(1000),
    subject_token_sha256 VARCHAR(64),
    token_jti            VARCHAR(256),
    kid                  VARCHAR(64),
    client_ip            VARCHAR(64),
    user_agent           VARCHAR(1000)
);
CREATE INDEX audit_events_time ON audit_events (event_time, id);
CREATE INDEX audit_events_repository ON audit_events (repository_key, event_time);
CREATE INDEX audit_events_agent ON audit_events (agent_id, event_time);
CREATE INDEX audit_events_type ON audit_events (type, event_time);
CREATE INDEX audit_events_subject_token ON audit_events (subject_token_sha256);
