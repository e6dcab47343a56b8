package dev.sentryagent.idp.core.spi;

import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.Page;
import java.time.Instant;
import java.util.List;

/**
 * Keeps audit events: every decision and every change. Implementations must be thread-safe.
 */
public interface AuditLog {

    /** Stores {@code events}, all of them or none, in one round trip to the store where it has one. */
    void append(List<AuditEvent> events);

    /** The events that match the query's filters, newest first. */
    Page<AuditEvent> list(AuditQuery query);

    /** Deletes at most {@code max} events older than {@code cutoff}; returns how many. */
    int purgeBefore(Instant cutoff, int max);
}
