-- Agents: the subjects of agent-scoped tokens. Times are epoch milliseconds (UTC), which every
-- database and driver round-trips without time-zone surprises.
CREATE TABLE agents (
    id          UUID          NOT NULL PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    description VARCHAR(2000),
    created_at  BIGINT        NOT NULL,
    created_by  VARCHAR(1000) NOT NULL
);
