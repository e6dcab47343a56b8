-- Access tokens of this IdP revoked before they expired (RFC 7009), shared by every server on the
-- store. A row is needed only until the token's own exp (epoch ms): after that the token is refused
-- as expired anyway, and the row may be purged.
CREATE TABLE token_revocations (
    jti        VARCHAR(256) NOT NULL PRIMARY KEY,
    expires_at BIGINT       NOT NULL
);
CREATE INDEX token_revocations_expires_at ON token_revocations (expires_at);
