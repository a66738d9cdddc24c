package io.fleetstream.query.domain;

/** A validated {@code limit} and the decoded position of {@code cursor} (null for the first page). */
public record PageRequest(int limit, Cursor.Position after) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static PageRequest of(String limit, String cursor, String kind) {
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
        return new PageRequest(size, cursor == null || cursor.isBlank() ? null : Cursor.decode(kind, cursor.strip()));
    }
}
