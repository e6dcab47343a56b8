package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * One page of a listing: at most {@code limit} items whose ids come after {@code after} (ids in
 * ascending order of their lower-case text, which every store sorts the same way).
 *
 * @param limit 1 to {@value #MAX_LIMIT}
 * @param after the last id of the previous page, or null for the first page
 */
public record PageRequest(int limit, UUID after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, null);
    }

    /** A page from an opaque cursor as {@link Page#nextCursor()} produced it (null: first page). */
    public static PageRequest of(int limit, String cursor) {
        return new PageRequest(limit, cursor == null ? null : decode(cursor));
    }

    public Optional<UUID> afterId() {
        return Optional.ofNullable(after);
    }

    static String encode(UUID id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static UUID decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            UUID id = UUID.fromString(text);
            if (!id.toString().equals(text)) {
                throw new IllegalArgumentException("not canonical");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("cursor is not one this server issued, got " + Names.quote(cursor));
        }
    }
}
