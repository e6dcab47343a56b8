package dev.sentryagent.idp.javalin.internal;

import dev.sentryagent.idp.core.AuditTrail;
import dev.sentryagent.idp.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges what the store no longer needs, every {@code period} on one daemon thread: revocation
 * records of expired tokens, and audit events older than the retention. (Retired signing keys are
 * deleted by the key ring itself when it reloads.) Every server sharing a store may run it: each
 * delete is idempotent.
 */
public final class Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final int BATCH = 1000;

    private final RevocationList revocations;
    private final AuditTrail audit;
    private final Clock clock;
    private final Duration period;
    private ScheduledExecutorService scheduler;

    public Housekeeping(RevocationList revocations, AuditTrail audit, Clock clock, Duration period) {
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
        this.period = period;
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sentryagent-housekeeping");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runOnce, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round of purging; failures are logged and retried next round. */
    public void runOnce() {
        try {
            int n;
            int total = 0;
            do {
                n = revocations.purgeExpired(clock.instant(), BATCH);
                total += n;
            } while (n == BATCH);
            if (total > 0) {
                LOG.debug("purged {} revocation records of expired tokens", total);
            }
            audit.purgeExpired();
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed; will try again in {}: {}", period, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
