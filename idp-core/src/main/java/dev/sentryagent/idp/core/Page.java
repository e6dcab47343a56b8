package dev.sentryagent.idp.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * One page of a listing.
 *
 * @param items the items, in id order
 * @param nextCursor the cursor of the next page, or null when this is the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
    /**
     * Copies {@code items}, so the page is immutable.
     *
     * @param items the items, in id order
     * @param nextCursor the cursor of the next page, or null when this is the last page
     * @throws NullPointerException if {@code items} or one of them is null
     */
    public Page {
        items = List.copyOf(items);
    }

    /**
     * A page from a query that fetched up to {@code limit + 1} items: the extra item, if there, only says
     * that another page follows.
     *
     * @param <T> the item type
     * @param fetched what the query returned, in id order, at most {@code limit + 1} items
     * @param limit the page size asked for
     * @param id the item's id, which the next page's cursor encodes
     * @return the first {@code limit} items, with a cursor when there were more
     */
    public static <T> Page<T> fromOverfetch(List<T> fetched, int limit, Function<T, UUID> id) {
        Objects.requireNonNull(fetched, "fetched");
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, PageRequest.encode(id.apply(items.get(limit - 1))));
    }

    /** {@return the cursor of the next page, or empty on the last page} */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
