package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.spi.ReplayGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single use of OIDC tokens in table {@code oidc_replay}: the primary key decides the winner of
 * any race, across servers. Every {@value #PURGE_EVERY}th call also deletes at most
 * {@value #PURGE_BATCH} expired rows, so the table stays as small as the tokens still alive.
 */
public final class JdbcReplayGuard implements ReplayGuard {
    static final int PURGE_EVERY = 512;
    static final int PURGE_BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcReplayGuard.class);
    static final OldestRows EXPIRED = new OldestRows("oidc_replay", "expires_at", "issuer", "jti");

    private final Sql sql;
    private final Clock clock;
    private final AtomicLong calls = new AtomicLong();

    public JdbcReplayGuard(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String issuer, String jti, Instant keepUntil) {
        boolean first = sql.call(handle -> {
            try {
                handle.createUpdate("INSERT INTO oidc_replay (issuer, jti, expires_at) VALUES (:issuer, :jti, :expiresAt)")
                        .bind("issuer", issuer)
                        .bind("jti", jti)
                        .bind("expiresAt", Sql.millis(keepUntil))
                        .execute();
                return true;
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
        if (calls.incrementAndGet() % PURGE_EVERY == 0) {
            try {
                purgeExpired(PURGE_BATCH);
            } catch (RuntimeException e) {
                LOG.warn("replay purge failed; will try again later: {}", e.getMessage());
            }
        }
        return first;
    }

    @Override
    public boolean wasUsed(String issuer, String jti) {
        return sql.call(handle -> handle.createQuery("SELECT COUNT(*) FROM oidc_replay WHERE issuer = :issuer AND jti = :jti")
                .bind("issuer", issuer)
                .bind("jti", jti)
                .mapTo(Long.class)
                .one() > 0);
    }

    /**
     * Deletes at most {@code max} records whose keep-until time has passed; returns how many.
     * Both steps walk indexes (expires_at, then the primary key), so a purge costs the rows it
     * removes, never a scan of the table.
     */
    public int purgeExpired(int max) {
        long now = Sql.millis(clock.instant());
        int deleted = sql.inTransaction(handle -> EXPIRED.purge(handle, now, max));
        if (deleted > 0) {
            LOG.debug("replay purge deleted {} expired records", deleted);
        }
        return deleted;
    }

    /** How many records are held. */
    public long count() {
        return sql.call(handle -> handle.createQuery("SELECT COUNT(*) FROM oidc_replay").mapTo(Long.class).one());
    }
}
