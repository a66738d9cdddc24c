package io.fleetstream.registry.domain;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, in id order.
 *
 * @param nextCursor cursor of the next page, null when there is none
 */
public record Page<T>(List<T> items, String nextCursor, boolean hasMore) {

    /**
     * Builds a page from a query that fetched one row more than {@code limit}: the extra row only proves that another
     * page exists.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> id) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? List.copyOf(fetched.subList(0, limit)) : List.copyOf(fetched);
        String next = more ? Cursor.after(id.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next, more);
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor, hasMore);
    }
}
