-- This IdP's signing keys. private_key holds PKCS#8 DER, base64, either plain ("plain:...") or
-- wrapped with AES-256-GCM under the operator's key-encryption key ("aesgcm:..."): see the
-- idp-jdbc documentation. Whoever can read this table unwrapped can mint tokens.
CREATE TABLE signing_keys (
    kid         VARCHAR(64)   NOT NULL PRIMARY KEY,
    algorithm   VARCHAR(16)   NOT NULL,
    private_key VARCHAR(8192) NOT NULL,
    public_key  VARCHAR(4096) NOT NULL,
    created_at  BIGINT        NOT NULL
);
