package io.fleetstream.query.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Opaque paging cursors: base64url of {@code kind|epochMicros|tieBreaker}. The kind ties a cursor to the endpoint
 * that issued it, so a cursor from one list is refused by another instead of paging from a wrong place.
 */
public final class Cursor {

    private Cursor() {}

    /** Where the previous page ended: its last timestamp and, where timestamps can tie, its last id. */
    public record Position(Instant at, String id) {}

    public static String encode(String kind, Instant at, String id) {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000L);
        String text = kind + '|' + micros + '|' + (id == null ? "" : id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Position decode(String kind, String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = text.split("\\|", 3);
            if (parts.length != 3 || !parts[0].equals(kind)) {
                throw new IllegalArgumentException("wrong kind");
            }
            long micros = Long.parseLong(parts[1]);
            Instant at = Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            return new Position(at, parts[2].isEmpty() ? null : parts[2]);
        } catch (IllegalArgumentException e) {
            throw QueryException.badParameter(
                    "cursor",
                    "not a cursor issued by this endpoint; pass nextCursor from the previous page unchanged, with the"
                            + " same filters, or omit it to start from the first page");
        }
    }
}
