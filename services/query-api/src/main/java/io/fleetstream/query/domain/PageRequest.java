package io.fleetstream.query.domain;

import java.time.Instant;

/**
 * A validated {@code limit}, the decoded position of {@code cursor} (null for the first page) and the scope that
 * issues the next cursor, so a page's cursor is always bound to the filters of the request that produced it.
 */
public record PageRequest(int limit, Cursor.Position after, Cursor.Scope scope) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static PageRequest of(String limit, String cursor, Cursor.Scope scope) {
        int size = DEFAULT_LIMIT;
        if (limit != null && !limit.isBlank()) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw QueryException.badParameter(
                        "limit",
                        "'" + limit + "' is not a whole number between 1 and " + MAX_LIMIT + "; ask for at most "
                                + MAX_LIMIT + " and follow nextCursor for more");
            }
        }
        return new PageRequest(size, cursor == null || cursor.isBlank() ? null : scope.decode(cursor.strip()), scope);
    }

    /** The cursor of the page that continues after a row at {@code at} with tie-breaker {@code id}. */
    public String cursorAfter(Instant at, String id) {
        return scope.encode(at, id);
    }
}
