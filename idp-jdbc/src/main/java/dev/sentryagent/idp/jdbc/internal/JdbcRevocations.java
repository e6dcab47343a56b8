package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.spi.RevocationList;
import java.time.Instant;
import org.jdbi.v3.core.JdbiException;

/**
 * Revoked access tokens in table {@code token_revocations}, shared by every server on the
 * database. Revoking is an insert whose primary key makes a second revocation a no-op, on H2 and
 * PostgreSQL alike.
 */
public final class JdbcRevocations implements RevocationList {
    static final OldestRows EXPIRED = new OldestRows("token_revocations", "expires_at", "jti");

    private final Sql sql;

    public JdbcRevocations(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void revoke(String jti, Instant expiresAt) {
        sql.call(handle -> {
            try {
                return handle.createUpdate("INSERT INTO token_revocations (jti, expires_at) VALUES (:jti, :expiresAt)")
                        .bind("jti", jti)
                        .bind("expiresAt", Sql.millis(expiresAt))
                        .execute();
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    return 0; // revoked already: the token's exp, hence the row's, is the same
                }
                throw e;
            }
        });
    }

    @Override
    public boolean isRevoked(String jti) {
        return sql.call(handle -> handle.createQuery("SELECT COUNT(*) FROM token_revocations WHERE jti = :jti")
                .bind("jti", jti)
                .mapTo(Long.class)
                .one()) > 0;
    }

    /** Walks the expires_at index, then the primary key: costs the rows it removes, never a scan. */
    @Override
    public int purgeExpired(Instant now, int max) {
        long cutoff = Sql.millis(now);
        return sql.inTransaction(handle -> EXPIRED.purge(handle, cutoff, max));
    }
}
