package dev.sentryagent.idp.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentryagent.idp.core.memory.InMemoryAuditLog;
import dev.sentryagent.idp.core.memory.InMemoryStore;
import dev.sentryagent.idp.core.spi.AuditLog;
import dev.sentryagent.idp.testkit.FakeOidcIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit trail keeps the store write off the exchange's path, and never drops an event silently. */
class AuditTrailTest {
    static final String IDP = "https://idp.example.test";
    static FakeOidcIssuer github;

    @BeforeAll
    static void startIssuer() {
        github = FakeOidcIssuer.start(IDP);
    }

    @AfterAll
    static void stopIssuer() {
        github.close();
    }

    /** An audit log kept in memory whose appends a test decides. */
    abstract static class TestLog implements AuditLog {
        final InMemoryAuditLog events = new InMemoryAuditLog();

        @Override
        public Page<AuditEvent> list(AuditQuery query) {
            return events.list(query);
        }

        @Override
        public int purgeBefore(Instant cutoff, int max) {
            return events.purgeBefore(cutoff, max);
        }
    }

    /** An audit log whose background writer is stuck until released, as a slow database would be. */
    static final class StuckWriterLog extends TestLog {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch stuck = new CountDownLatch(1);
        final List<Integer> batchSizes = new ArrayList<>();
        final List<String> writers = new ArrayList<>();

        @Override
        public void append(List<AuditEvent> batch) {
            synchronized (this) {
                batchSizes.add(batch.size());
                writers.add(Thread.currentThread().getName());
            }
            if (Thread.currentThread().getName().equals("sentryagent-audit-writer")) {
                stuck.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            events.append(batch);
        }
    }

    static AuditEvent event(String repository) {
        return AuditEvent.builder(AuditEvent.POLICY_CREATE, AuditEvent.OK, Instant.now()).repository(repository).build();
    }

    @Test
    void batchWhenTheStoreRefusesOneEventThenTheOthersAreStoredAndOnlyItIsLeftToTheLog() {
        TestLog refusingOne = new TestLog() {
            @Override
            public void append(List<AuditEvent> batch) {
                if (batch.stream().anyMatch(e -> "org/poison".equals(e.repository()))) {
                    throw new StoreFailedException("value refused by the database", null);
                }
                events.append(batch);
            }
        };
        AuditTrail audit = AuditTrail.builder().log(refusingOne).build();
        audit.record(event("org/a"));
        audit.record(event("org/poison"));
        audit.record(event("org/b"));
        audit.close();
        assertThat(refusingOne.events.list(AuditQuery.all()).items()).extracting(AuditEvent::repository)
                .containsExactlyInAnyOrder("org/a", "org/b");
    }

    @Test
    void recordWhileTheTrailClosesThenEveryEventIsStoredOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            InMemoryAuditLog log = new InMemoryAuditLog();
            AuditTrail audit = AuditTrail.builder().log(log).build();
            int threads = 4;
            int perThread = 500;
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> recorders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread recorder = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        audit.record(event("org/r" + i));
                    }
                });
                recorder.start();
                recorders.add(recorder);
            }
            start.countDown();
            Thread.sleep(round % 5);
            audit.close();
            for (Thread recorder : recorders) {
                recorder.join();
            }
            assertThat(log.list(new AuditQuery(null, null, null, null, 500, null)).items()).isNotEmpty();
            int stored = 0;
            AuditQuery.Position after = null;
            while (true) {
                Page<AuditEvent> page = log.list(new AuditQuery(null, null, null, null, 500, after));
                stored += page.items().size();
                if (page.nextCursor() == null) {
                    break;
                }
                after = AuditQuery.decodeCursor(page.nextCursor());
            }
            assertThat(stored).as("round " + round).isEqualTo(threads * perThread);
        }
    }

    @Test
    void exchangeWhileTheStoreWriteIsStuckThenAnsweredAndTheEventWrittenAfter() {
        InMemoryStore store = new InMemoryStore();
        store.trustPolicies().create(TrustPolicy.create("github", "octo-org/octo-repo", null, null));
        StuckWriterLog log = new StuckWriterLog();
        try (AuditTrail audit = AuditTrail.builder().log(log).build()) {
            TokenExchanger exchanger = TokenExchanger.builder().issuer(IDP).store(store).listener(audit)
                    .provider(GitHubProvider.builder().issuer(github.issuer()).audience(IDP).build()).build();
            String token = github.token().mint();

            ExchangeResult result = exchanger.exchange(ExchangeRequest.bootstrap("github", token));

            assertThat(result.scope()).isEqualTo("agents:write");
            log.release.countDown();
            List<AuditEvent> events = audit.list(AuditQuery.all()).items();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).outcome()).isEqualTo("allow");
            assertThat(events.get(0).subjectTokenSha256()).isEqualTo(AuditTrail.sha256Hex(token));
            assertThat(log.writers).containsOnly("sentryagent-audit-writer");
        }
    }

    @Test
    void queueFullThenTheCallerWritesItsOwnEventAndNoneIsLost() throws Exception {
        StuckWriterLog log = new StuckWriterLog();
        try (AuditTrail audit = AuditTrail.builder().log(log).queueCapacity(2).batchSize(10).build()) {
            audit.record(event("org/r0"));
            assertThat(log.stuck.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < 6; i++) {
                audit.record(event("org/r" + i));
            }
            // The writer holds 1 event (stuck), the queue 2; the other 3 were written by their callers.
            assertThat(log.writers.stream().filter(w -> !w.equals("sentryagent-audit-writer")).count()).isEqualTo(3);
            log.release.countDown();
            audit.flush();
            assertThat(audit.list(new AuditQuery(null, null, null, null, 500, null)).items()).hasSize(6);
        }
    }

    @Test
    void eventsRecordedTogetherThenWrittenInFewBatchesAndCloseDrainsTheQueue() throws Exception {
        StuckWriterLog log = new StuckWriterLog();
        AuditTrail audit = AuditTrail.builder().log(log).batchSize(100).build();
        audit.record(event("org/r"));
        assertThat(log.stuck.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 250; i++) {
            audit.record(event("org/r"));
        }
        log.release.countDown();
        audit.close();
        assertThat(log.events.list(new AuditQuery(null, null, null, null, 500, null)).items()).hasSize(250);
        assertThat(log.batchSizes).containsExactly(1, 100, 100, 49); // the stuck one, then full batches
        assertThat(log.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isEqualTo(100);
    }

    @Test
    void purgeExpiredThenOnlyEventsOlderThanTheRetentionGo() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        Instant now = Instant.now();
        log.append(List.of(AuditEvent.builder(AuditEvent.KEY_ROTATE, AuditEvent.OK, now.minus(Duration.ofDays(31))).build(),
                AuditEvent.builder(AuditEvent.KEY_ROTATE, AuditEvent.OK, now.minus(Duration.ofDays(29))).build()));
        try (AuditTrail audit = AuditTrail.builder().log(log).clock(Clock.systemUTC()).build()) {
            assertThat(audit.purgeExpired()).isEqualTo(1);
            assertThat(audit.list(AuditQuery.all()).items()).hasSize(1);
        }
    }
}
