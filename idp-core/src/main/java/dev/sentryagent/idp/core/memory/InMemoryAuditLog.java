package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.AuditEvent;
import dev.sentryagent.idp.core.AuditQuery;
import dev.sentryagent.idp.core.Page;
import dev.sentryagent.idp.core.spi.AuditLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** An {@link AuditLog} in memory, for one process; part of {@link InMemoryStore}. */
public final class InMemoryAuditLog implements AuditLog {
    /** Newest first: time, then id text, both descending (the order the JDBC store lists in). */
    static final Comparator<AuditEvent> NEWEST_FIRST = Comparator.comparing(AuditEvent::time)
            .thenComparing(e -> e.id().toString()).reversed();

    private final TreeSet<AuditEvent> events = new TreeSet<>(NEWEST_FIRST);

    @Override
    public void append(List<AuditEvent> batch) {
        synchronized (events) {
            events.addAll(batch);
        }
    }

    @Override
    public Page<AuditEvent> list(AuditQuery query) {
        List<AuditEvent> fetched = new ArrayList<>();
        synchronized (events) {
            for (AuditEvent e : events) {
                if (query.matches(e)) {
                    fetched.add(e);
                    if (fetched.size() > query.limit()) {
                        break;
                    }
                }
            }
        }
        if (fetched.size() <= query.limit()) {
            return new Page<>(fetched, null);
        }
        List<AuditEvent> items = fetched.subList(0, query.limit());
        return new Page<>(items, AuditQuery.cursorAfter(items.get(items.size() - 1)));
    }

    @Override
    public int purgeBefore(Instant cutoff, int max) {
        int n = 0;
        synchronized (events) {
            for (Iterator<AuditEvent> it = events.descendingIterator(); it.hasNext() && n < max; ) {
                if (!it.next().time().isBefore(cutoff)) {
                    break;
                }
                it.remove();
                n++;
            }
        }
        return n;
    }
}
