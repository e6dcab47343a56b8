package dev.sentryagent.idp.jdbc.internal;

import dev.sentryagent.idp.core.StoreFailedException;
import dev.sentryagent.idp.core.IdpException;
import dev.sentryagent.idp.core.UnavailableException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.jdbi.v3.core.ConnectionException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs statements and turns storage failures into the library's errors. */
public final class Sql {
    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);
    static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;

    public Sql(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Runs {@code callback} on a handle. A failure the caller did not translate itself means the
     * store cannot answer: it becomes an {@link UnavailableException}, never a wrong answer.
     */
    public <T> T call(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw translate(e);
        }
    }

    public <T> T inTransaction(HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.inTransaction(callback);
        } catch (JdbiException e) {
            throw translate(e);
        }
    }

    /**
     * A connection-level failure (no connection, lost connection, server shutting down, out of
     * resources, serialization) is "unavailable: try again"; anything else is a server error.
     */
    static IdpException translate(Exception e) {
        String state = sqlState(e).orElse("none");
        boolean connectionLost = e instanceof ConnectionException || hasCause(e, SQLTransientException.class)
                || hasCause(e, SQLRecoverableException.class) || hasCause(e, SQLNonTransientConnectionException.class)
                || state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40");
        if (connectionLost) {
            LOG.warn("store unavailable sqlState={}: {}", state, rootMessage(e));
            // The SQLState stays in the log: the contract never puts one in an answer.
            return new UnavailableException("The store is unavailable; try again later", e);
        }
        LOG.error("store failed sqlState={}: {}", state, rootMessage(e), e);
        return new StoreFailedException("The store failed", e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The SQLState of the first SQLException in {@code e}'s causes. */
    static Optional<String> sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }

    static boolean isUniqueViolation(Throwable e) {
        return sqlState(e).map(UNIQUE_VIOLATION::equals).orElse(false);
    }

    /** Foreign-key violation: 23503 in PostgreSQL and the standard, 23506 in H2. */
    static boolean isForeignKeyViolation(Throwable e) {
        return sqlState(e).map(s -> s.equals("23503") || s.equals("23506")).orElse(false);
    }

    static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    static Long nullableLong(java.sql.ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
