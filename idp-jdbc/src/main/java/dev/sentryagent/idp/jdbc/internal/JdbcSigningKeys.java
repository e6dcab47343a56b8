package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signing keys in table {@code signing_keys}, private keys protected by a {@link KeyProtector}. */
public final class JdbcSigningKeys implements SigningKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSigningKeys.class);
    private final Sql sql;
    private final KeyProtector protector;

    public JdbcSigningKeys(Sql sql, KeyProtector protector) {
        this.sql = sql;
        this.protector = protector;
    }

    private record Row(String kid, String algorithm, String privateKey, String publicKey, long createdAt) {
    }

    @Override
    public List<SigningKey> loadAll() {
        List<Row> rows = sql.call(handle -> handle.createQuery("SELECT kid, algorithm, private_key, public_key, created_at "
                        + "FROM signing_keys ORDER BY created_at, kid")
                .map((rs, ctx) -> new Row(rs.getString("kid"), rs.getString("algorithm"), rs.getString("private_key"),
                        rs.getString("public_key"), rs.getLong("created_at")))
                .list());
        List<SigningKey> keys = new ArrayList<>(rows.size());
        for (Row row : rows) {
            // A key that cannot be unwrapped stops everything: silently minting a new key would
            // hide a lost or wrong key-encryption key until every old token failed.
            byte[] publicKey = Base64.getDecoder().decode(row.publicKey());
            KeyProtector.Unwrapped unwrapped = protector.unprotect(row.kid(), row.algorithm(), publicKey,
                    row.privateKey());
            if (unwrapped.legacy()) {
                rewrap(row, publicKey, unwrapped.privateKey());
            }
            keys.add(new SigningKey(row.kid(), row.algorithm(), unwrapped.privateKey(), publicKey,
                    Sql.instant(row.createdAt())));
        }
        return keys;
    }

    /**
     * Wraps a version-1 row again, now bound to its algorithm and public key. Only if the row is
     * unchanged since it was read: of several servers starting together, one rewrites it.
     */
    private void rewrap(Row row, byte[] publicKey, byte[] privateKey) {
        String wrapped = protector.protect(row.kid(), row.algorithm(), publicKey, privateKey);
        int updated = sql.call(handle -> handle.createUpdate("UPDATE signing_keys SET private_key = :wrapped "
                        + "WHERE kid = :kid AND private_key = :old")
                .bind("wrapped", wrapped)
                .bind("kid", row.kid())
                .bind("old", row.privateKey())
                .execute());
        if (updated == 1) {
            LOG.info("signing-key kid={} wrapped again, bound to its algorithm and public key", row.kid());
        }
    }

    @Override
    public void add(SigningKey key) {
        sql.call(handle -> {
            try {
                return handle.createUpdate("INSERT INTO signing_keys (kid, algorithm, private_key, public_key, created_at) "
                                + "VALUES (:kid, :algorithm, :privateKey, :publicKey, :createdAt)")
                        .bind("kid", key.kid())
                        .bind("algorithm", key.algorithm())
                        .bind("privateKey", protector.protect(key.kid(), key.algorithm(), key.publicKey(),
                                key.privateKey()))
                        .bind("publicKey", Base64.getEncoder().encodeToString(key.publicKey()))
                        .bind("createdAt", Sql.millis(key.createdAt()))
                        .execute();
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw new IllegalStateException("a signing key with kid " + key.kid() + " already exists");
                }
                throw e;
            }
        });
    }

    @Override
    public boolean delete(String kid) {
        return sql.call(handle -> handle.createUpdate("DELETE FROM signing_keys WHERE kid = :kid")
                .bind("kid", kid)
                .execute()) > 0;
    }
}
