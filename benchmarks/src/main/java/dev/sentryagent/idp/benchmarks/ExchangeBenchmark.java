package dev.sentryagent.idp.benchmarks;

import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.ExchangeRequest;
import dev.sentryagent.idp.core.ExchangeResult;
import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.core.spi.IdpStore;
import dev.sentryagent.idp.jdbc.JdbcStore;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * The whole {@link TokenExchanger#exchange} in process: verification, replay guard, policy
 * lookup and pinning, signing. Every call spends a distinct pre-minted token; the replay records
 * are cleared between iterations so the pool can be reused. A replayed or refused token throws,
 * so an error can never be counted as throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExchangeBenchmark {
    @Param({"memory", "h2"})
    public String store;

    @Param({"ES256"})
    public String algorithm;

    /** {@code on}: every exchange also records an audit event (queued, written in batches by one thread). */
    @Param({"off", "on"})
    public String audit;

    /** Distinct tokens per iteration: more than one iteration can spend. */
    @Param({"40000"})
    public int pool;

    private FakeOidcIssuer github;
    private List<String> tokens;
    private IdpStore idpStore;
    private String h2Url;
    private TokenExchanger exchanger;
    private AuditTrail auditTrail;
    private final AtomicInteger next = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        CryptoProvider.fromProperty();
        github = FakeOidcIssuer.start(Fixtures.IDP);
        tokens = Fixtures.mint(github, pool);
        if (store.equals("h2")) {
            h2Url = "jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            idpStore = JdbcStore.create(h2Url, "", "");
        } else {
            idpStore = new InMemoryStore();
        }
        idpStore.trustPolicies().create(TrustPolicy.create("github", Fixtures.REPOSITORY, "main", null));
        exchanger = newExchanger(idpStore);
    }

    private TokenExchanger newExchanger(IdpStore on) {
        if (auditTrail != null) {
            auditTrail.close();
            auditTrail = null;
        }
        TokenExchanger.Builder builder = TokenExchanger.builder();
        if (audit.equals("on")) {
            auditTrail = AuditTrail.builder().log(on.auditLog()).build();
            builder.listener(auditTrail);
        }
        return builder
                .issuer(Fixtures.IDP)
                .provider(GitHubProvider.builder().issuer(github.issuer()).audience(Fixtures.IDP).build())
                .store(on)
                .signingAlgorithm(SigningAlgorithm.valueOf(algorithm))
                .build();
    }

    @Setup(Level.Iteration)
    public void forgetReplays() throws SQLException {
        next.set(0);
        if (h2Url != null) {
            try (Connection c = DriverManager.getConnection(h2Url); Statement s = c.createStatement()) {
                s.execute("DELETE FROM oidc_token_use");
            }
        } else {
            // A fresh in-memory store per iteration, with the same keys and policy semantics.
            InMemoryStore fresh = new InMemoryStore();
            fresh.trustPolicies().create(TrustPolicy.create("github", Fixtures.REPOSITORY, "main", null));
            idpStore.signingKeys().loadAll().forEach(fresh.signingKeys()::add);
            idpStore = fresh;
            exchanger = newExchanger(fresh);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (auditTrail != null) {
            auditTrail.close();
        }
        github.close();
        if (idpStore instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private String nextToken() {
        int i = next.getAndIncrement();
        if (i >= tokens.size()) {
            throw new IllegalStateException("token pool of " + tokens.size() + " exhausted: raise -p pool");
        }
        return tokens.get(i);
    }

    @Benchmark
    public ExchangeResult exchange() {
        return exchanger.exchange(ExchangeRequest.bootstrap("github", nextToken()));
    }

    @Benchmark
    @Threads(2)
    public ExchangeResult exchangeOn2Threads() {
        return exchanger.exchange(ExchangeRequest.bootstrap("github", nextToken()));
    }
}
