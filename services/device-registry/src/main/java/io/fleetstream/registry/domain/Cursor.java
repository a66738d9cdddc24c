package io.fleetstream.registry.domain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque paging cursors. A cursor carries the last id of the previous page (keyset paging), so pages stay consistent
 * while rows are added and each page costs one index range scan. Clients must treat it as opaque: the encoding is
 * versioned so it can change without breaking a client that only passes cursors back.
 */
public final class Cursor {

    private static final String VERSION = "v1:";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private Cursor() {}

    /** The cursor that continues after {@code lastId}. */
    public static String after(String lastId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((VERSION + lastId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The id a cursor continues after; null when {@code cursor} is null (first page).
     *
     * @throws InvalidRequestException if the cursor was not made by {@link #after(String)}
     */
    public static String lastId(String cursor) {
        if (cursor == null) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        if (!decoded.startsWith(VERSION)
                || !Checks.IDENTIFIER
                        .matcher(decoded.substring(VERSION.length()))
                        .matches()) {
            throw new InvalidRequestException(
                    "cursor",
                    "is not a cursor returned by this API; pass nextCursor of the previous page unchanged,"
                            + " or leave cursor out to start at the first page");
        }
        return decoded.substring(VERSION.length());
    }

    /** Parses a page size from a query parameter: default 100, 1 to 1000. */
    public static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        int value;
        try {
            value = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > MAX_LIMIT) {
            throw new InvalidRequestException(
                    "limit",
                    "'" + Checks.abbreviate(limit) + "' is not allowed; use a whole number from 1 to " + MAX_LIMIT
                            + " (default " + DEFAULT_LIMIT + ")");
        }
        return value;
    }
}
