package dev.sentryagent.idp.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sentryagent.idp.core.UnavailableException;
import dev.sentryagent.idp.core.spi.AgentRepository;
import dev.sentryagent.idp.core.spi.AuditLog;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.core.spi.RevocationList;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import dev.sentryagent.idp.core.spi.TrustPolicyRepository;
import dev.sentryagent.idp.jdbc.internal.H2Files;
import dev.sentryagent.idp.jdbc.internal.JdbcAgents;
import dev.sentryagent.idp.jdbc.internal.JdbcAuditLog;
import dev.sentryagent.idp.jdbc.internal.JdbcReplayGuard;
import dev.sentryagent.idp.jdbc.internal.JdbcRevocations;
import dev.sentryagent.idp.jdbc.internal.JdbcSigningKeys;
import dev.sentryagent.idp.jdbc.internal.JdbcTrustPolicies;
import dev.sentryagent.idp.jdbc.internal.KeyProtector;
import dev.sentryagent.idp.jdbc.internal.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every idp-core storage interface over one JDBC database: H2 (the embedded default) or
 * PostgreSQL. Any number of servers may share one PostgreSQL database: uniqueness of policies
 * and single use of tokens are decided by the database's constraints.
 *
 * <p>The schema ships as Flyway migrations in this jar, at {@value #MIGRATIONS}, with the history
 * table {@value #HISTORY_TABLE}; the store runs them at start unless told not to, and a user's own
 * Flyway may run them instead (see the README).
 *
 * <p>Signing keys are held in table {@code signing_keys}. Without a key-encryption key, private
 * keys are stored unwrapped (PKCS#8, base64): anyone who can read that table or a backup of it can
 * mint tokens, so protect the database like a secret. With {@link Builder#keyEncryptionKey(byte[])}
 * they are wrapped with AES-256-GCM and the database alone is not enough.
 *
 * <p>Storage failures surface as {@link UnavailableException}, never as a wrong answer.
 */
public final class JdbcStore implements IdpStore, AutoCloseable {
    /** Where the migrations live on the classpath. */
    public static final String MIGRATIONS = "classpath:db/sentryagent-idp/migration";
    /** Flyway's history table for these migrations, apart from any of the application's own. */
    public static final String HISTORY_TABLE = "sentryagent_idp_schema_history";
    /** The embedded default: an H2 file database under {@code ./data}. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/idp";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final HikariDataSource ownedPool;
    private final Sql sql;
    private final JdbcTrustPolicies trustPolicies;
    private final JdbcAgents agents;
    private final JdbcReplayGuard replayGuard;
    private final JdbcSigningKeys signingKeys;
    private final JdbcRevocations revocations;
    private final JdbcAuditLog auditLog;
    private final String description;

    private JdbcStore(DataSource dataSource, HikariDataSource ownedPool, KeyProtector protector, Clock clock,
                      String description) {
        this.ownedPool = ownedPool;
        this.sql = new Sql(Jdbi.create(dataSource));
        this.trustPolicies = new JdbcTrustPolicies(sql, dataSource);
        this.replayGuard = new JdbcReplayGuard(sql, dataSource, clock);
        this.agents = new JdbcAgents(sql, replayGuard);
        this.signingKeys = new JdbcSigningKeys(sql, protector);
        this.revocations = new JdbcRevocations(sql);
        this.auditLog = new JdbcAuditLog(sql);
        this.description = description;
    }

    /**
     * A store on {@code url}, with a connection pool of its own, migrated.
     *
     * @param url an H2 or PostgreSQL JDBC URL
     * @param user the database user; null for none
     * @param password the user's password; null for none
     * @return the store, migrated and ready
     * @throws IllegalArgumentException if the URL is not H2 or PostgreSQL
     * @throws UnavailableException if the database cannot be reached
     */
    public static JdbcStore create(String url, String user, String password) {
        return builder().url(url).user(user).password(password).build();
    }

    /**
     * {@return a builder with the defaults: {@link #DEFAULT_URL}, a pool of 10, a 3 s connection
     * timeout, migrations run at start, private keys unwrapped}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs this library's migrations on {@code dataSource}; what {@link #builder()} does at start by default.
     *
     * @param dataSource the database to migrate, with rights to create tables
     * @throws org.flywaydb.core.api.FlywayException if a migration fails or the history does not
     *     match this library's migrations
     */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    @Override
    public TrustPolicyRepository trustPolicies() {
        return trustPolicies;
    }

    @Override
    public AgentRepository agents() {
        return agents;
    }

    @Override
    public ReplayGuard replayGuard() {
        return replayGuard;
    }

    @Override
    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    @Override
    public RevocationList revocations() {
        return revocations;
    }

    @Override
    public AuditLog auditLog() {
        return auditLog;
    }

    @Override
    public void checkHealth() {
        sql.call(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
    }

    /**
     * Deletes at most {@code max} expired replay records now; the guard also does this as it goes.
     *
     * @param max the most records to delete in this call
     * @return how many were deleted
     * @throws UnavailableException if the database cannot answer
     */
    public int purgeExpiredReplays(int max) {
        return replayGuard.purgeExpired(max);
    }

    /** {@return the JDBC URL without credentials, or {@code application DataSource}; for logs} */
    public String description() {
        return description;
    }

    /** Closes the connection pool, if this store created it. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    /**
     * Refuses an application's pool whose connections do not commit each statement: the store
     * commits nothing itself outside its own transactions, so every write there would be rolled
     * back when the connection went back to the pool, without an error (a token's single use too).
     */
    private static void requireAutoCommit(DataSource source) {
        boolean autoCommit;
        try (java.sql.Connection connection = source.getConnection()) {
            autoCommit = connection.getAutoCommit();
        } catch (java.sql.SQLException e) {
            throw new UnavailableException("The store's application DataSource cannot be reached: " + e.getMessage(), e);
        }
        if (!autoCommit) {
            throw new IllegalArgumentException("dataSource must hand out connections with auto-commit on (HikariCP: "
                    + "autoCommit=true, its default): the store's writes would otherwise be rolled back unseen");
        }
    }

    /**
     * Settings of a {@link JdbcStore}: {@link #url(String)} or {@link #dataSource(DataSource)};
     * the rest have defaults that fit a small server.
     */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private String user = "";
        private String password = "";
        private DataSource dataSource;
        private int maximumPoolSize = 10;
        private Duration connectionTimeout = Duration.ofSeconds(3);
        private boolean migrate = true;
        private boolean h2OpenUntilClosed;
        private byte[] keyEncryptionKey;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * An H2 ({@code jdbc:h2:...}) or PostgreSQL ({@code jdbc:postgresql://...}) URL; default {@link JdbcStore#DEFAULT_URL}.
         * An H2 file URL that does not set {@code CACHE_SIZE} gets one of 1/32 of the heap (1 to 64 MiB)
         * instead of H2's fixed 16 MiB, which under a small heap costs more in garbage collection than it saves.
         *
         * @param url the JDBC URL; ignored when {@link #dataSource(DataSource)} is set
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * The database user for the pool this store creates; default none.
         *
         * @param user the user, or null for none
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user == null ? "" : user;
            return this;
        }

        /**
         * The database password for the pool this store creates; default none.
         *
         * @param password the password, or null for none
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password == null ? "" : password;
            return this;
        }

        /**
         * Use the application's own pool instead of creating one; {@link JdbcStore#close()} leaves it open.
         *
         * @param dataSource the application's pool, or null to create one from {@link #url(String)}
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /**
         * Connections in the pool this store creates: 1 to 100, default 10.
         *
         * @param size the pool's maximum size; checked by {@link #build()}
         * @return this builder
         */
        public Builder maximumPoolSize(int size) {
            this.maximumPoolSize = size;
            return this;
        }

        /**
         * How long a call waits for a connection before failing as unavailable: default 3 s.
         *
         * @param timeout at least 250 ms; checked by {@link #build()}
         * @return this builder
         */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = timeout;
            return this;
        }

        /**
         * Leaves the migrations to the application's own Flyway (location {@link JdbcStore#MIGRATIONS}).
         *
         * @return this builder
         */
        public Builder skipMigrations() {
            this.migrate = false;
            return this;
        }

        /**
         * Keeps an H2 database of {@link #url(String)} open until {@link JdbcStore#close()}, instead
         * of letting H2 close it as soon as the JVM starts to exit ({@code DB_CLOSE_ON_EXIT=FALSE}
         * unless the URL sets it): for an application whose own shutdown hook still writes (the
         * last requests, the audit events queued) and then closes the store. Without that close,
         * the last writes may be lost as in a crash. No effect on other databases.
         *
         * @return this builder
         */
        public Builder keepH2OpenUntilClosed() {
            this.h2OpenUntilClosed = true;
            return this;
        }

        /**
         * A 32-byte AES key that wraps private signing keys at rest. Keep it outside the database.
         *
         * @param key the 32 key bytes, copied; null stores private keys unwrapped
         * @return this builder
         */
        public Builder keyEncryptionKey(byte[] key) {
            this.keyEncryptionKey = key == null ? null : key.clone();
            return this;
        }

        /**
         * The clock replay records expire by; default the system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Checks every setting, creates the pool (unless given one), runs the migrations (unless
         * skipped) and loads the signing keys once, so a wrong key-encryption key fails here.
         *
         * @return the store, ready; close it to close the pool it created
         * @throws IllegalArgumentException naming the setting and the rule it breaks, e.g. a pool
         *     size outside 1 to 100 or a key-encryption key that is not 32 bytes
         * @throws UnavailableException if the database cannot be reached
         */
        public JdbcStore build() {
            if (maximumPoolSize < 1 || maximumPoolSize > 100) {
                throw new IllegalArgumentException("maximumPoolSize must be between 1 and 100, got " + maximumPoolSize);
            }
            Objects.requireNonNull(connectionTimeout, "connectionTimeout");
            if (connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, got " + connectionTimeout);
            }
            KeyProtector protector = new KeyProtector(keyEncryptionKey);
            HikariDataSource pool = null;
            DataSource source = dataSource;
            String description;
            if (source == null) {
                JdbcUrls.requireSupported("url", url);
                HikariConfig config = new HikariConfig();
                config.setPoolName("sentryagent-idp");
                String connectUrl = H2Files.withCacheSizedToHeap(url, Runtime.getRuntime().maxMemory());
                if (h2OpenUntilClosed) {
                    connectUrl = H2Files.withoutCloseOnExit(connectUrl);
                }
                config.setJdbcUrl(connectUrl);
                config.setUsername(user);
                config.setPassword(password);
                config.setMaximumPoolSize(maximumPoolSize);
                config.setMinimumIdle(Math.min(2, maximumPoolSize));
                config.setConnectionTimeout(connectionTimeout.toMillis());
                config.setValidationTimeout(Math.min(1000, connectionTimeout.toMillis() - 1));
                config.setInitializationFailTimeout(connectionTimeout.toMillis());
                H2Files files = H2Files.prepare(url);
                try {
                    pool = new HikariDataSource(config);
                    if (files != null) {
                        files.restrict();
                    }
                } catch (RuntimeException e) {
                    throw new UnavailableException("The store at " + JdbcUrls.withoutCredentials(url)
                            + " cannot be reached: " + e.getMessage(), e);
                }
                source = pool;
                description = JdbcUrls.withoutCredentials(connectUrl);
            } else {
                requireAutoCommit(source);
                description = "application DataSource";
            }
            try {
                if (migrate) {
                    migrate(source);
                }
                JdbcStore store = new JdbcStore(source, pool, protector, clock, description);
                store.signingKeys().loadAll(); // fail at start, not at the first exchange, on a wrong key-encryption key
                LOG.info("store {} ready (migrations {})", description, migrate ? "applied" : "left to the application");
                return store;
            } catch (RuntimeException e) {
                if (pool != null) {
                    pool.close();
                }
                throw e;
            }
        }
    }
}
