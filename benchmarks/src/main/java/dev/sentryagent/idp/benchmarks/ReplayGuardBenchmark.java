package dev.sentryagent.idp.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sentryagent.idp.core.spi.ReplayGuard;
import dev.sentryagent.idp.jdbc.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The replay record's insert alone, on an H2 file database holding {@code live} records of
 * tokens still alive (random UUID jtis, as GitHub's), so that its indexes outgrow H2's cache
 * under the server's {@code -Xmx128m} (pass {@code -jvmArgsAppend -Xmx128m}). Every call records
 * a new token that expires 5 minutes from now, as a server under load does.
 *
 * <ul>
 *   <li>{@code old}: migration 2's layout, primary key (issuer, jti), the insert as the guard
 *       made it before migration 32 (one Jdbi handle and statement per call).
 *   <li>{@code new}: {@link ReplayGuard#firstUse(String, String, Instant, Instant)} of the JDBC
 *       store, primary key (token_exp, issuer, jti).
 *   <li>{@code new-jdbi}: the same insert through Jdbi (a handle and a statement per call, as
 *       the guard made it before), to show what Jdbi's per-call work costs.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayGuardBenchmark {
    static final String ISSUER = "https://token.actions.githubusercontent.com";
    static final long LIFETIME_SECONDS = 300;
    static final long SKEW_SECONDS = 60;

    @Param({"old", "new", "new-jdbi"})
    public String layout;

    /** Records present before the first call, all still alive. */
    @Param({"500000"})
    public int live;

    private Path dir;
    private HikariDataSource pool;
    private JdbcStore store;
    private ReplayGuard guard;
    private Jdbi jdbi;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("replay-bench");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("idp"));
        config.setMaximumPoolSize(10);
        pool = new HikariDataSource(config);
        store = JdbcStore.builder().dataSource(pool).build();
        guard = store.replayGuard();
        jdbi = Jdbi.create(pool);
        preload();
    }

    // Tokens that arrived over the last lifetime-plus-skew, in the order they arrived, generated
    // by H2 itself (RANDOM_UUID is a version 4 UUID, as GitHub's jti): a JDBC batch took minutes.
    private void preload() throws SQLException {
        long base = Instant.now().getEpochSecond() - SKEW_SECONDS;
        long span = LIFETIME_SECONDS + SKEW_SECONDS;
        // Kept an hour longer than a server would, so that no purge runs during the measurement.
        long keep = SKEW_SECONDS + 3600;
        String exp = "(CAST(? AS BIGINT) + CAST(? AS BIGINT) * X / CAST(? AS BIGINT))";
        String sql = layout.equals("old")
                ? "INSERT INTO oidc_replay (issuer, jti, expires_at) SELECT ?, CAST(RANDOM_UUID() AS VARCHAR), "
                        + "(" + exp + " + CAST(? AS BIGINT)) * 1000 FROM SYSTEM_RANGE(?, ?)"
                : "INSERT INTO oidc_token_use (token_exp, issuer, jti, keep_until) SELECT " + exp + " * 1000, ?, "
                        + "CAST(RANDOM_UUID() AS VARCHAR), (" + exp + " + CAST(? AS BIGINT)) * 1000 FROM SYSTEM_RANGE(?, ?)";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int from = 0; from < live; from += 50_000) {
                int p = 1;
                if (layout.equals("old")) {
                    s.setString(p++, ISSUER);
                } else {
                    s.setLong(p++, base);
                    s.setLong(p++, span);
                    s.setLong(p++, live);
                    s.setString(p++, ISSUER);
                }
                s.setLong(p++, base);
                s.setLong(p++, span);
                s.setLong(p++, live);
                s.setLong(p++, keep);
                s.setLong(p++, from);
                s.setLong(p, Math.min(from + 50_000, live) - 1L);
                s.executeUpdate();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        pool.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String jti() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xf000L | 0x4000L, random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L)
                .toString();
    }

    @Benchmark
    public boolean firstUse() {
        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + LIFETIME_SECONDS);
        Instant keepUntil = exp.plusSeconds(SKEW_SECONDS);
        String jti = jti();
        switch (layout) {
            case "old":
                return jdbi.withHandle(handle -> handle.createUpdate(
                                "INSERT INTO oidc_replay (issuer, jti, expires_at) VALUES (:issuer, :jti, :expiresAt)")
                        .bind("issuer", ISSUER)
                        .bind("jti", jti)
                        .bind("expiresAt", keepUntil.toEpochMilli())
                        .execute()) == 1;
            case "new":
                return guard.firstUse(ISSUER, jti, exp, keepUntil);
            case "new-jdbi":
                return jdbi.withHandle(handle -> handle.createUpdate("INSERT INTO oidc_token_use "
                                + "(token_exp, issuer, jti, keep_until) VALUES (:tokenExp, :issuer, :jti, :keepUntil)")
                        .bind("tokenExp", exp.toEpochMilli())
                        .bind("issuer", ISSUER)
                        .bind("jti", jti)
                        .bind("keepUntil", keepUntil.toEpochMilli())
                        .execute()) == 1;
            default:
                throw new IllegalArgumentException("layout must be old, new or new-jdbi, got " + layout);
        }
    }
}
