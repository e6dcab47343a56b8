package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.spi.ReplayGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single use of OIDC tokens in table {@code oidc_token_use}, keyed by (token exp, issuer, jti):
 * the primary key decides the winner of any race, across servers, and inserts land at the right
 * edge of it because tokens arrive in roughly exp order. Every {@value #PURGE_EVERY}th call also
 * deletes at most {@value #PURGE_BATCH} expired rows, so the table stays as small as the tokens
 * still alive.
 *
 * <p>Records made before migration 32 are in {@code oidc_replay}, keyed by (issuer, jti) and
 * without the token's exp, so they cannot be moved: until a purge finds that table empty, every
 * call also looks a token up there (by its primary key, in the same connection) and refuses one
 * found. Nothing writes there any more, so once empty it stays empty (servers of an older version
 * still running would write there: stop them before starting this one).
 *
 * <p>What every exchange calls runs as plain JDBC on one pooled connection: one statement (one
 * round trip) once {@code oidc_replay} is empty, two before. The purge, every
 * {@value #PURGE_EVERY}th call, uses Jdbi like the rest of the store.
 */
public final class JdbcReplayGuard implements ReplayGuard {
    static final int PURGE_EVERY = 512;
    static final int PURGE_BATCH = 1000;
    /**
     * The token_exp of records made without the token's exp: no token verifies with it (it is
     * 1970), so such records never share a key with a token's own.
     */
    static final long NO_EXP = 0;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcReplayGuard.class);
    static final OldestRows EXPIRED = new OldestRows("oidc_token_use", "keep_until", "token_exp", "issuer", "jti");
    static final OldestRows EXPIRED_LEGACY = new OldestRows("oidc_replay", "expires_at", "issuer", "jti");
    // Plain JDBC for the calls of every exchange: Jdbi's handle and statement objects cost about
    // 9 KB of garbage per insert and a fifth of its time (ReplayGuardBenchmark). Constant texts,
    // so the databases' per-connection statement caches hit.
    private static final String INSERT = "INSERT INTO oidc_token_use (token_exp, issuer, jti, keep_until) VALUES (?, ?, ?, ?)";
    private static final String USED = "SELECT 1 FROM oidc_token_use WHERE token_exp = ? AND issuer = ? AND jti = ?";
    private static final String LEGACY_USED = "SELECT 1 FROM oidc_replay WHERE issuer = ? AND jti = ?";

    private final Sql sql;
    private final DataSource dataSource;
    private final Clock clock;
    private final AtomicLong calls = new AtomicLong();
    // True until a purge has seen oidc_replay empty; starts true after every restart (checking costs one PK read).
    private volatile boolean legacyRecords = true;

    public JdbcReplayGuard(Sql sql, DataSource dataSource, Clock clock) {
        this.sql = sql;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Records without the token's exp, under token_exp 0, so that (issuer, jti) alone decides, as
     * this method promises; such records sit on random pages of the key, as before migration 32,
     * and are not found by the methods that take the exp (see {@link ReplayGuard}).
     */
    @Override
    public boolean firstUse(String issuer, String jti, Instant keepUntil) {
        return record(NO_EXP, issuer, jti, keepUntil);
    }

    @Override
    public boolean firstUse(String issuer, String jti, Instant tokenExpiresAt, Instant keepUntil) {
        return record(Sql.millis(tokenExpiresAt), issuer, jti, keepUntil);
    }

    /**
     * {@link #firstUse(String, String, Instant)} on {@code connection}, inside the caller's
     * transaction: the record is made only if the transaction commits. After false the
     * transaction must be rolled back (PostgreSQL has aborted it).
     */
    boolean firstUseIn(Connection connection, String issuer, String jti, Instant keepUntil) throws SQLException {
        return recordOn(connection, NO_EXP, issuer, jti, keepUntil);
    }

    private boolean recordOn(Connection connection, long tokenExp, String issuer, String jti, Instant keepUntil)
            throws SQLException {
        return !(legacyRecords && usedBeforeMigration(connection, issuer, jti))
                && insert(connection, tokenExp, issuer, jti, keepUntil);
    }

    private boolean record(long tokenExp, String issuer, String jti, Instant keepUntil) {
        boolean first;
        try (Connection connection = dataSource.getConnection()) {
            first = recordOn(connection, tokenExp, issuer, jti, keepUntil);
        } catch (SQLException e) {
            throw Sql.translate(e);
        }
        if (calls.incrementAndGet() % PURGE_EVERY == 0) {
            try {
                purgeExpired(PURGE_BATCH);
            } catch (RuntimeException e) {
                LOG.warn("replay purge failed; will try again later: {}", e.getMessage());
            }
        }
        return first;
    }

    private static boolean insert(Connection connection, long tokenExp, String issuer, String jti, Instant keepUntil)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setLong(1, tokenExp);
            insert.setString(2, issuer);
            insert.setString(3, jti);
            insert.setLong(4, Sql.millis(keepUntil));
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Finds records made by {@link #firstUse(String, String, Instant)} only. */
    @Override
    public boolean wasUsed(String issuer, String jti) {
        return used(NO_EXP, issuer, jti);
    }

    @Override
    public boolean wasUsed(String issuer, String jti, Instant tokenExpiresAt) {
        return used(Sql.millis(tokenExpiresAt), issuer, jti);
    }

    private boolean used(long tokenExp, String issuer, String jti) {
        try (Connection connection = dataSource.getConnection()) {
            if (legacyRecords && usedBeforeMigration(connection, issuer, jti)) {
                return true;
            }
            try (PreparedStatement query = connection.prepareStatement(USED)) {
                query.setLong(1, tokenExp);
                query.setString(2, issuer);
                query.setString(3, jti);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next();
                }
            }
        } catch (SQLException e) {
            throw Sql.translate(e);
        }
    }

    private static boolean usedBeforeMigration(Connection connection, String issuer, String jti) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(LEGACY_USED)) {
            query.setString(1, issuer);
            query.setString(2, jti);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Deletes at most {@code max} records whose keep-until time has passed; returns how many.
     * Both steps walk indexes (keep_until, then the primary key), so a purge costs the rows it
     * removes, never a scan of the table. Records made before migration 32 go first, until
     * {@code oidc_replay} is seen empty.
     */
    public int purgeExpired(int max) {
        long now = Sql.millis(clock.instant());
        int deleted = 0;
        if (legacyRecords) {
            deleted = sql.inTransaction(handle -> EXPIRED_LEGACY.purge(handle, now, max));
            if (deleted < max && legacyEmpty()) {
                legacyRecords = false;
                LOG.info("replay records made before migration 32 are all purged; no longer looked up");
            }
        }
        int left = max - deleted;
        if (left > 0) {
            deleted += sql.inTransaction(handle -> EXPIRED.purge(handle, now, left));
        }
        if (deleted > 0) {
            LOG.debug("replay purge deleted {} expired records", deleted);
        }
        return deleted;
    }

    private boolean legacyEmpty() {
        return sql.call(handle -> handle.createQuery("SELECT 1 FROM oidc_replay LIMIT 1").mapTo(Integer.class).findOne())
                .isEmpty();
    }

    private long legacyCount() {
        return sql.call(handle -> handle.createQuery("SELECT COUNT(*) FROM oidc_replay").mapTo(Long.class).one());
    }

    /** How many records are held, in both tables. */
    public long count() {
        return sql.call(handle -> handle.createQuery("SELECT COUNT(*) FROM oidc_token_use").mapTo(Long.class).one())
                + legacyCount();
    }
}
