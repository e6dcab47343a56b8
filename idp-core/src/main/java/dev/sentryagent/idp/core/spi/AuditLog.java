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

    /**
     * Stores {@code events}, all of them or none, in one round trip to the store where it has one.
     *
     * @param events the events, in the order they happened
     */
    void append(List<AuditEvent> events);

    /**
     * Lists events, newest first.
     *
     * @param query the filters and the page to read
     * @return the events that match every filter of {@code query}
     */
    Page<AuditEvent> list(AuditQuery query);

    /**
     * Deletes events past their retention, in batches so that one call stays short.
     *
     * @param cutoff events that happened before this instant go
     * @param max the most events to delete in this call
     * @return how many were deleted
     */
    int purgeBefore(Instant cutoff, int max);
}
