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

    /**
     * Where a page ends: events sort by time, then id, both descending.
     *
     * @param time the last event's time
     * @param id the last event's id
     */
    public record Position(Instant time, UUID id) {
        /**
         * Checks that both parts are set.
         *
         * @param time the last event's time
         * @param id the last event's id
         * @throws NullPointerException naming the missing part
         */
        public Position {
            java.util.Objects.requireNonNull(time, "time");
            java.util.Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Checks the filters, with messages a caller of {@code GET /api/v1/audit} can act on.
     *
     * @param type one of {@link AuditEvent#TYPES}, or null
     * @param repository a non-blank repository of at most 200 characters, or null
     * @param agentId the agent, or null
     * @param since the earliest time, or null
     * @param limit 1 to {@link PageRequest#MAX_LIMIT}
     * @param after the previous page's last position, or null
     * @throws InvalidRequestException naming the filter that is wrong
     */
    public AuditQuery {
        if (type != null && !AuditEvent.TYPES.contains(type)) {
            throw new InvalidRequestException("type must be one of " + String.join(", ",
                    AuditEvent.TYPES.stream().sorted().toList()) + ", got " + Names.quote(type));
        }
        if (repository != null && (repository.isBlank() || repository.length() > 200 || repository.indexOf('\0') >= 0)) {
            throw new InvalidRequestException("repository must be owner/name");
        }
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + PageRequest.MAX_LIMIT + ", got " + limit);
        }
    }

    /** {@return a query for every event, newest first, {@link PageRequest#DEFAULT_LIMIT} at a time} */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, PageRequest.DEFAULT_LIMIT, null);
    }

    /** {@return where the previous page ended; empty for the first page} */
    public Optional<Position> afterPosition() {
        return Optional.ofNullable(after);
    }

    /**
     * The cursor a client sends to read on; {@link #decodeCursor(String)} reads it back.
     *
     * @param last the last event of a page
     * @return an opaque, URL-safe cursor of the page after {@code last}
     */
    public static String cursorAfter(AuditEvent last) {
        String text = last.time().toEpochMilli() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The position a cursor of {@link #cursorAfter(AuditEvent)} names.
     *
     * @param cursor the cursor as the client sent it, or null
     * @return its position; null for null
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

    /**
     * The query as a predicate, for stores that filter in memory; a database store says the same
     * in SQL, and the shared store contract tests check that both agree.
     *
     * @param event an event
     * @return true when {@code event} passes every filter and comes after the cursor
     */
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
