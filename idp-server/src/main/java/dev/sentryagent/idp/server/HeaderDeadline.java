package dev.sentryagent.idp.server;

import dev.sentryagent.idp.core.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request headers are not complete within the request timeout, counted
 * from when the first bytes of that request are seen: a connector bean ({@code addBean}), watching
 * every connection the connector opens.
 *
 * <p>Jetty parses headers without a request thread, but bounds a client that sends them slowly only
 * by its idle timeout, which every byte resets: one header byte a second held a connection for as
 * long as the client liked, and 500 such connections were held for 31 s. Jetty 12 offers no
 * deadline for request headers ({@code HttpConfiguration.setMinRequestDataRate} is stored but never
 * enforced), and a handler runs only once they are complete, so the {@link RequestGate}'s body
 * timeout cannot see them. Hence this watch, on Jetty's public connection counters only: a
 * connection has received bytes that no complete request head accounts for
 * ({@link Connection#getBytesIn()} moved while {@link Connection#getMessagesIn()}, the requests
 * whose headers are complete, did not, and no exchange is open) for the request timeout.
 *
 * <p>The connections are swept every quarter of the timeout, at most every second, so a slow head
 * is cut between the timeout and the timeout plus two sweeps after its first byte, never before.
 * The connection is closed without an answer (no request exists yet to answer, and a response
 * written past Jetty's HTTP/1.1 generator could race the connection's own), and the refusal is
 * logged as one {@code request refused status=408 method=- path=-} line, as nginx logs its header
 * timeout. An idle connection between requests is the idle timeout's.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Duration timeout;
    private final long timeoutNanos;
    private final long sweepNanos;
    private final Scheduler scheduler;
    private final Map<Connection, Watch> watched = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Scheduler.Task next;

    /**
     * @param timeout how long a request's headers may take to arrive, from its first byte seen
     * @param scheduler the connector's scheduler, which runs the sweeps
     */
    HeaderDeadline(Duration timeout, Scheduler scheduler) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.timeoutNanos = timeout.toNanos();
        this.sweepNanos = Math.min(MAX_SWEEP_NANOS, timeoutNanos / 4);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    protected void doStart() {
        running = true;
        scheduleSweep();
    }

    @Override
    protected void doStop() {
        running = false;
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        watched.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        watched.put(connection, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        watched.remove(connection);
    }

    private void scheduleSweep() {
        if (running) {
            next = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        try {
            long now = NanoTime.now();
            watched.forEach((connection, watch) -> {
                if (watch.expired(connection, now)) {
                    watched.remove(connection);
                    ContractErrorHandler.logRefusal(LOG, "-", "-", 408, ErrorCode.INVALID_REQUEST.wireName(),
                            "the request was not received in full within " + timeout + ": connection closed");
                    connection.close();
                }
            });
        } finally {
            scheduleSweep();
        }
    }

    /** What one connection looked like at the last sweep; only the sweeping thread touches it. */
    private final class Watch {
        /** Requests whose headers were complete. */
        private long messages;
        /** Bytes received when the connection was last seen between requests. */
        private long bytes;
        /** Whether bytes of a new request head were seen, and since when. */
        private boolean arriving;
        private long since;

        boolean expired(Connection connection, long now) {
            long in = connection.getMessagesIn();
            if (in != messages || in > connection.getMessagesOut()) {
                // A head completed since the last sweep, or a request is being read or answered:
                // its body is the request gate's to time.
                messages = in;
                bytes = connection.getBytesIn();
                arriving = false;
                return false;
            }
            if (connection.getBytesIn() == bytes) {
                return false;
            }
            if (!arriving) {
                arriving = true;
                since = now;
                return false;
            }
            return now - since >= timeoutNanos;
        }
    }
}
