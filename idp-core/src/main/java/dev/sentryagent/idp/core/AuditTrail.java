package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.ClaimsJson;
import dev.sentryagent.idp.core.internal.CompactJws;
import dev.sentryagent.idp.core.spi.AuditLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records audit events: one JSON line each on the logger {@value #LOGGER} at once, and into the
 * store's {@link AuditLog} in batches, so that auditing adds no store round trip to the request
 * that caused the event.
 *
 * <p>Events wait in a bounded queue ({@link Builder#queueCapacity(int)}) that one background
 * thread drains, handing up to {@link Builder#batchSize(int)} events at a time to the log's
 * {@code append} (one round trip for the JDBC store). None is
 * dropped silently: when the queue is full, the caller waits up to 50 ms for room, then writes its
 * event itself (one round trip) and logs a warning; when the store refuses a batch, the writer
 * retries it three times, then logs every event it could not store at ERROR (they are on the audit
 * logger already). {@link #flush()} waits for what was recorded so far; {@link #close()} drains.
 *
 * <p>As an {@link ExchangeListener} it turns every exchange outcome into a {@code token.exchange}
 * event; the HTTP layer names the client with {@link #bindOrigin(String, String)}.
 */
public final class AuditTrail implements ExchangeListener, AutoCloseable {
    /** The logger that receives one JSON line per event. */
    public static final String LOGGER = "sentryagent.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final long OFFER_WAIT_MS = 50;
    /** How long the writer sleeps when it found nothing to write: the most an event waits for its batch. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * Where the request on this thread came from. A thread-local, set by the HTTP layer around
     * each request, so that the exchanger's API stays free of HTTP details.
     */
    private static final ThreadLocal<String[]> ORIGIN = new ThreadLocal<>();

    private final AuditLog log;
    private final Duration retention;
    private final Clock clock;
    private final int batchSize;
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final Object progress = new Object();
    private final Thread writer;
    private volatile boolean closed;

    private AuditTrail(Builder b) {
        this.log = b.log;
        this.retention = b.retention;
        this.clock = b.clock;
        this.batchSize = b.batchSize;
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.writer = new Thread(this::drain, "sentryagent-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** {@return a builder; only {@link Builder#log(AuditLog)} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Names the client of the request on the current thread, for every event recorded on it until
     * {@link #clearOrigin()}.
     *
     * @param clientIp the client's address, after trusted proxies
     * @param userAgent its {@code User-Agent}, or null
     */
    public static void bindOrigin(String clientIp, String userAgent) {
        ORIGIN.set(new String[] {clientIp, userAgent});
    }

    /** Forgets the current thread's client (at the end of a request). */
    public static void clearOrigin() {
        ORIGIN.remove();
    }

    /**
     * Starts an event at this trail's clock's now, already carrying the current thread's client.
     *
     * @param type one of {@link AuditEvent#TYPES}
     * @param outcome {@link AuditEvent#ALLOW}, {@link AuditEvent#DENY} or {@link AuditEvent#OK}
     * @return a builder; pass what it builds to {@link #record(AuditEvent)}
     */
    public AuditEvent.Builder event(String type, String outcome) {
        String[] origin = ORIGIN.get();
        AuditEvent.Builder b = AuditEvent.builder(type, outcome, clock.instant());
        return origin == null ? b : b.client(origin[0], origin[1]);
    }

    /**
     * Logs the event's line now and queues it for the store; never drops it (see the class
     * comment for what happens when the queue is full or the trail closed).
     *
     * @param event the event
     * @throws NullPointerException when {@code event} is null
     */
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        AUDIT.info(JsonUtil.toJson(event.toMap()));
        if (closed) {
            writeNow(event, "the audit trail is closed");
            return;
        }
        boolean queued;
        try {
            queued = queue.offer(event) || queue.offer(event, OFFER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        if (queued) {
            enqueued.incrementAndGet();
            // close() may have come between the check above and the offer, and the writer may have
            // found the queue empty and ended: then whoever removes the event writes it, once.
            if (closed && queue.remove(event)) {
                writeNow(event, "the audit trail closed while it was queued");
            }
        } else {
            writeNow(event, "the audit queue is full");
        }
    }

    private void writeNow(AuditEvent event, String why) {
        LOG.warn("audit event {} written synchronously: {}", event.id(), why);
        log.append(List.of(event));
    }

    @Override
    public void onExchange(ExchangeOutcome outcome) {
        ExchangeRequest request = outcome.request();
        WorkloadIdentity identity = outcome.identity();
        AuditEvent.Builder b = event(AuditEvent.TOKEN_EXCHANGE, outcome.allowed() ? AuditEvent.ALLOW : AuditEvent.DENY)
                .provider(identity == null ? request.provider() : identity.provider())
                .agentId(request.agentId())
                .subjectTokenSha256(sha256Hex(request.token()));
        if (identity != null) {
            b.repository(identity.repository()).ref(identity.ref()).runId(identity.claims().get("run_id"));
        }
        if (outcome.allowed()) {
            String jti = outcome.result().jti();
            b.policyId(outcome.result().policyId()).tokenJti(jti != null ? jti : jtiOf(outcome.result().accessToken()));
        } else {
            b.error(outcome.failure().code().wireName(), outcome.failure().getMessage());
        }
        record(b.build());
    }

    /**
     * How an event names a token without holding it.
     *
     * @param token a token
     * @return lowercase hex SHA-256 of {@code token}'s UTF-8 bytes
     */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The {@code jti} of an access token we just signed (so its payload is ours and well formed). */
    private static String jtiOf(String accessToken) {
        try {
            CompactJws.Parts parts = CompactJws.Parts.split(accessToken);
            if (parts == null) {
                return null;
            }
            Object jti = ClaimsJson.parse(CompactJws.decodeText(parts.payload())).getClaimValue("jti");
            return jti instanceof String s ? s : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Lists the store's events, newest first, after waiting (as {@link #flush()}) for everything
     * this trail recorded before the call.
     *
     * @param query the filters and page
     * @return the matching events
     */
    public Page<AuditEvent> list(AuditQuery query) {
        flush();
        return log.list(query);
    }

    /**
     * Deletes events older than the retention, 1,000 per store call.
     *
     * @return how many were deleted
     */
    public int purgeExpired() {
        Instant cutoff = clock.instant().minus(retention);
        int total = 0;
        int n;
        do {
            n = log.purgeBefore(cutoff, 1000);
            total += n;
        } while (n == 1000);
        if (total > 0) {
            LOG.info("audit retention {} purged {} events older than {}", retention, total, cutoff);
        }
        return total;
    }

    /** {@return how long events are kept} */
    public Duration retention() {
        return retention;
    }

    /** Waits (at most 5 s) until every event recorded before this call has been written or given up. */
    public void flush() {
        long target = enqueued.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        LockSupport.unpark(writer);
        synchronized (progress) {
            while (processed.get() < target && System.nanoTime() < deadline) {
                try {
                    progress.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(batchSize);
        while (!closed || !queue.isEmpty()) {
            try {
                queue.drainTo(batch, batchSize);
                if (batch.isEmpty()) {
                    // Sleep rather than block on the queue: a writer blocked in take() is woken by every
                    // event (a futex call on the request thread, measurable under load); a sleeping one
                    // costs producers nothing and collects a batch meanwhile. flush() and close() wake it.
                    LockSupport.parkNanos(this, IDLE_NANOS);
                    if (Thread.interrupted()) {
                        closed = true;
                    }
                    continue;
                }
                write(batch);
            } catch (InterruptedException e) {
                closed = true;
            } finally {
                if (!batch.isEmpty()) {
                    processed.addAndGet(batch.size());
                    batch.clear();
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
            }
        }
    }

    private void write(List<AuditEvent> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                log.append(batch);
                return;
            } catch (RuntimeException e) {
                if (attempt == 4) {
                    // One event the store refuses must not take the rest of its batch with it.
                    for (AuditEvent event : batch) {
                        try {
                            log.append(List.of(event));
                        } catch (RuntimeException refused) {
                            LOG.error("audit event {} could not be stored and is only in the audit log: {}", event.id(),
                                    JsonUtil.toJson(event.toMap()));
                        }
                    }
                    return;
                }
                LOG.warn("storing {} audit events failed (attempt {}); retrying: {}", batch.size(), attempt,
                        e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** Writes every queued event, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of an {@link AuditTrail}: the log is required. */
    public static final class Builder {
        private AuditLog log;
        private Duration retention = Duration.ofDays(30);
        private Clock clock = Clock.systemUTC();
        private int queueCapacity = 10_000;
        private int batchSize = 200;

        private Builder() {
        }

        /**
         * Sets where events are stored. Required.
         *
         * @param log e.g. the store's {@code auditLog()}
         * @return this builder
         */
        public Builder log(AuditLog log) {
            this.log = log;
            return this;
        }

        /**
         * Sets how long events are kept.
         *
         * @param retention at least one hour; default 30 days
         * @return this builder
         */
        public Builder retention(Duration retention) {
            this.retention = retention;
            return this;
        }

        /**
         * Sets the clock that timestamps events and decides what is past retention.
         *
         * @param clock the clock; default UTC system time
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how many events may wait for the writer before callers write their own.
         *
         * @param capacity 1 to 1,000,000; default 10,000
         * @return this builder
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Sets the most events the writer stores in one insert.
         *
         * @param size 1 to 1,000; default 200
         * @return this builder
         */
        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        /**
         * Checks every setting and starts the trail's writer thread (a daemon; {@link AuditTrail#close()} stops it).
         *
         * @return the trail, thread-safe
         * @throws NullPointerException without a log or clock
         * @throws IllegalArgumentException naming the setting out of range
         */
        public AuditTrail build() {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(clock, "clock");
            if (retention == null || retention.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("audit retention must be at least PT1H, got " + retention);
            }
            if (queueCapacity < 1 || queueCapacity > 1_000_000) {
                throw new IllegalArgumentException("queueCapacity must be between 1 and 1000000, got " + queueCapacity);
            }
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 1000, got " + batchSize);
            }
            return new AuditTrail(this);
        }
    }
}
