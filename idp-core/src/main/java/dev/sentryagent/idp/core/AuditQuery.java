package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Which audit events to list: every filter is optional; newest first, {@code limit} at a time,
 * after the event a cursor names.
 *
 * @param type one of {@link AuditEvent#TYPES}, or null
 * @param repository exact {@code owner/name} (compared case-insensitively), or null
 * @param agentId the agent, or null
 * @param since only events at or after this time, or null
 * @param limit 1 to {@link PageRequest#MAX_LIMIT}
 * @param after the last event of the previous page (its time and id), or null for the first page
 */
public record AuditQuery(String type, String repository, UUID agentId, Instant since, int limit, Position after) {

    /** Where a page ends: events sort by time, then id, both descending. */
    public record Position(Instant time, UUID id) {
        public Position {
            java.util.Objects.requireNonNull(time, "time");
            java.util.Objects.requireNonNull(id, "id");
        }
    }

    public AuditQuery {
        if (type != null && !AuditEvent.TYPES.contains(type)) {
            throw new InvalidRequestException("type must be one of " + String.join(", ",
                    AuditEvent.TYPES.stream().sorted().toList()) + ", got " + Names.quote(type));
        }
        if (repository != null && (repository.isBlank() || repository.length() > 200)) {
            throw new InvalidRequestException("repository must be owner/name");
        }
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + PageRequest.MAX_LIMIT + ", got " + limit);
        }
    }

    /** Every event, newest first, the default page size. */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, PageRequest.DEFAULT_LIMIT, null);
    }

    public Optional<Position> afterPosition() {
        return Optional.ofNullable(after);
    }

    /** The opaque cursor of the page after {@code last}. */
    public static String cursorAfter(AuditEvent last) {
        String text = last.time().toEpochMilli() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The position a cursor of {@link #cursorAfter(AuditEvent)} names; null for null.
     *
     * @throws InvalidRequestException for anything else
     */
    public static Position decodeCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            UUID id = UUID.fromString(text.substring(colon + 1));
            if (colon < 1 || !id.toString().equals(text.substring(colon + 1))) {
                throw new IllegalArgumentException("not canonical");
            }
            return new Position(Instant.ofEpochMilli(Long.parseLong(text.substring(0, colon))), id);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidRequestException("cursor is not one this server issued, got " + Names.quote(cursor));
        }
    }

    /** True when {@code event} passes the filters and comes after the cursor (for in-memory stores). */
    public boolean matches(AuditEvent event) {
        return (type == null || type.equals(event.type()))
                && (repository == null || repository.equalsIgnoreCase(event.repository() == null ? "" : event.repository()))
                && (agentId == null || agentId.equals(event.agentId()))
                && (since == null || !event.time().isBefore(since))
                && (after == null || NEWEST_FIRST.compare(event, after) > 0);
    }

    private interface PositionOrder {
        int compare(AuditEvent event, Position position);
    }

    /** Positive when {@code event} comes after {@code position} in newest-first order. */
    private static final PositionOrder NEWEST_FIRST = (event, position) -> {
        int byTime = position.time().compareTo(event.time());
        return byTime != 0 ? byTime : position.id().toString().compareTo(event.id().toString());
    };
}
