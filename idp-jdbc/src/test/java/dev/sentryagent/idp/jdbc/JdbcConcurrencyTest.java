package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.DuplicatePolicyException;
import dev.sentryagent.idp.core.RepositoryIds;
import dev.sentryagent.idp.core.TrustPolicy;
import dev.sentryagent.idp.core.contract.Races;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Races that only the database's constraints can decide. */
class JdbcConcurrencyTest {

    void identicalPolicyFromTwentyThreadsThenExactlyOneCreated(Supplier<JdbcStore> stores) throws Exception {
        try (JdbcStore store = stores.get()) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Callable<Object>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    calls.add(() -> {
                        start.await();
                        try {
                            return store.trustPolicies().create(TrustPolicy.create("github", "Org/Raced", "main", null));
                        } catch (DuplicatePolicyException e) {
                            return e;
                        }
                    });
                }
                List<Future<Object>> futures = new ArrayList<>();
                for (Callable<Object> call : calls) {
                    futures.add(pool.submit(call));
                }
                start.countDown();
                List<TrustPolicy> created = new ArrayList<>();
                List<UUID> namedExisting = new ArrayList<>();
                for (Future<Object> f : futures) {
                    Object outcome = f.get();
                    if (outcome instanceof TrustPolicy p) {
                        created.add(p);
                    } else {
                        namedExisting.add(((DuplicatePolicyException) outcome).existingId());
                    }
                }
                assertThat(created).hasSize(1);
                assertThat(namedExisting).hasSize(19).containsOnly(created.get(0).id());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void identicalPolicyRacedOnPostgresThenOneCreatedRestNameIt() throws Exception {
        identicalPolicyFromTwentyThreadsThenExactlyOneCreated(TestDatabases::postgresStore);
    }

    @Test
    void identicalPolicyRacedOnH2ThenOneCreatedRestNameIt() throws Exception {
        identicalPolicyFromTwentyThreadsThenExactlyOneCreated(TestDatabases::h2Store);
    }

    @Test
    void sameJtiFromTwoServersOnOnePostgresThenExactlyOneFirstUse() throws Exception {
        try (JdbcStore serverA = TestDatabases.postgresStore();
             JdbcStore serverB = JdbcStore.create(TestDatabases.postgresUrl(), TestDatabases.postgresUser(),
                     TestDatabases.postgresPassword())) {
            eachRoundHasOneFirstUse(serverA, serverB, "jti-",
                    (server, jti) -> server.replayGuard().firstUse("https://issuer", jti, Instant.now().plusSeconds(600)));
        }
    }

    @Test
    void sameTokenFromTwoServersWithDifferentSkewsOnOnePostgresThenExactlyOneFirstUse() throws Exception {
        try (JdbcStore serverA = TestDatabases.postgresStore();
             JdbcStore serverB = JdbcStore.create(TestDatabases.postgresUrl(), TestDatabases.postgresUser(),
                     TestDatabases.postgresPassword())) {
            Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 300);
            // Server A allows 60 s of clock skew, server B 5 minutes: one token, two keepUntil values.
            eachRoundHasOneFirstUse(serverA, serverB, "token-", (server, jti) -> server.replayGuard()
                    .firstUse("https://issuer", jti, exp, exp.plusSeconds(server == serverA ? 60 : 300)));
        }
    }

    /** One racer's attempt to record {@code jti} on {@code server}. */
    private interface FirstUse {
        boolean attempt(JdbcStore server, String jti) throws Exception;
    }

    /**
     * 25 rounds, each a new jti: eight racers released together, alternating between the two
     * servers, each attempt {@code firstUse}; exactly one of them may win.
     */
    private static void eachRoundHasOneFirstUse(JdbcStore serverA, JdbcStore serverB, String jtiPrefix,
                                                FirstUse firstUse) throws Exception {
        Races.eachRoundHasOneWinner(25, 8, jtiPrefix,
                (racer, jti) -> firstUse.attempt(racer % 2 == 0 ? serverA : serverB, jti));
    }

    void pinRacedWithDifferentIdsThenEveryCallerSeesOneWinner(Supplier<JdbcStore> stores) throws Exception {
        try (JdbcStore store = stores.get()) {
            for (int round = 0; round < 10; round++) {
                String repository = "org/pinned-" + round;
                store.trustPolicies().create(TrustPolicy.create("github", repository, "main", null));
                store.trustPolicies().create(TrustPolicy.create("github", repository, "release", null));
                ExecutorService pool = Executors.newFixedThreadPool(8);
                CountDownLatch start = new CountDownLatch(1);
                try {
                    List<Future<RepositoryIds>> futures = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        RepositoryIds ids = new RepositoryIds(1000 + i, 2000 + i);
                        futures.add(pool.submit(() -> {
                            start.await();
                            return store.trustPolicies().pinRepositoryIds("github", repository, ids);
                        }));
                    }
                    start.countDown();
                    Set<RepositoryIds> seen = new HashSet<>();
                    for (Future<RepositoryIds> f : futures) {
                        seen.add(f.get());
                    }
                    assertThat(seen).as("the ids every racer was told").hasSize(1);
                    assertThat(store.trustPolicies().findCandidates("github", repository, null))
                            .extracting(p -> p.pinnedIds().orElseThrow()).containsOnly(seen.iterator().next());
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void pinRacedOnPostgresThenOneWinner() throws Exception {
        pinRacedWithDifferentIdsThenEveryCallerSeesOneWinner(TestDatabases::postgresStore);
    }

    @Test
    void pinRacedOnH2ThenOneWinner() throws Exception {
        pinRacedWithDifferentIdsThenEveryCallerSeesOneWinner(TestDatabases::h2Store);
    }
}
