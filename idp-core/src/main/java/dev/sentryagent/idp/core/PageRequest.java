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
    /** The page size when the caller gives none. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page size a caller may ask for. */
    public static final int MAX_LIMIT = 500;

    /**
     * Checks the limit.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @param after the last id of the previous page, or null for the first page
     * @throws InvalidRequestException if {@code limit} is not between 1 and {@value #MAX_LIMIT}
     */
    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    /**
     * The first page.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @return a request with no {@code after}
     * @throws InvalidRequestException if {@code limit} is out of range
     */
    public static PageRequest first(int limit) {
        return new PageRequest(limit, null);
    }

    /**
     * A page from an opaque cursor as {@link Page#nextCursor()} produced it (null: first page).
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @param cursor a {@link Page#nextCursor()}, or null for the first page
     * @return the request for the page after the cursor's id
     * @throws InvalidRequestException if {@code limit} is out of range or the cursor is not one this library
     *     made
     */
    public static PageRequest of(int limit, String cursor) {
        return new PageRequest(limit, cursor == null ? null : decode(cursor));
    }

    /** {@return the last id of the previous page, or empty for the first page} */
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
