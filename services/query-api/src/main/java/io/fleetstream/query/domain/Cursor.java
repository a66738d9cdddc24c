package io.fleetstream.query.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Opaque paging cursors: base64url of {@code kind|filters|epochMicros|tieBreaker}. The kind ties a cursor to the
 * endpoint that issued it and {@code filters}, a fingerprint of the parameters that select the rows, ties it to one
 * query: keyset paging continues "after the last row", which under other filters would skip or repeat rows without
 * any sign, so such a cursor is refused instead.
 */
public final class Cursor {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    /** Bytes of SHA-256 kept in the fingerprint: 96 bits, enough that no two filter sets meet by accident. */
    private static final int FINGERPRINT_BYTES = 12;

    private Cursor() {}

    /** Where the previous page ended: its last timestamp and, where timestamps can tie, its last id. */
    public record Position(Instant at, String id) {}

    /**
     * What a cursor is valid for: one endpoint and one set of filter values. Build it from validated, canonical
     * values (instants, upper-case enums, sorted sets) so that two spellings of the same query share their cursors.
     */
    public static final class Scope {

        private final String kind;
        private final List<String> names;
        private final String fingerprint;

        private Scope(String kind, List<String> names, String fingerprint) {
            this.kind = kind;
            this.names = names;
            this.fingerprint = fingerprint;
        }

        /**
         * @param kind short name of the endpoint's cursors
         * @param filters each parameter that selects rows, in the order the error message should name them; null
         *     values are absent parameters, collections are compared as sets
         */
        public static Scope of(String kind, Map<String, ?> filters) {
            StringBuilder canonical = new StringBuilder();
            filters.forEach((name, value) -> {
                String text = canonical(value);
                canonical.append(name).append('=');
                if (text == null) {
                    canonical.append('-');
                } else {
                    canonical.append(text.length()).append(':').append(text);
                }
                canonical.append(';');
            });
            return new Scope(kind, List.copyOf(filters.keySet()), fingerprint(canonical.toString()));
        }

        /** The cursor that continues after a row at {@code at} with tie-breaker {@code id} (null when none). */
        public String encode(Instant at, String id) {
            long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000L);
            String text = kind + '|' + fingerprint + '|' + micros + '|' + (id == null ? "" : id);
            return BASE64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Where a cursor continues.
         *
         * @throws QueryException 400 if the cursor was not issued by this endpoint, or was issued with other filters
         */
        public Position decode(String cursor) {
            String[] parts;
            Instant at;
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                parts = text.split("\\|", 4);
                if (parts.length != 4 || !parts[0].equals(kind)) {
                    throw new IllegalArgumentException("wrong kind");
                }
                long micros = Long.parseLong(parts[2]);
                at = Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw QueryException.badParameter(
                        "cursor",
                        "not a cursor issued by this endpoint; pass nextCursor from the previous page unchanged,"
                                + " with the same filters, or omit it to start from the first page");
            }
            if (!parts[1].equals(fingerprint)) {
                throw QueryException.badParameter(
                        "cursor",
                        "this cursor was issued for other filters; a cursor only continues the query that returned"
                                + " it, so send it with the same " + String.join(", ", names)
                                + " as that request, or omit cursor to start again from the first page");
            }
            return new Position(at, parts[3].isEmpty() ? null : parts[3]);
        }
    }

    private static String canonical(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Collection<?> values) {
            if (values.isEmpty()) {
                return null;
            }
            TreeSet<String> sorted = new TreeSet<>();
            StringBuilder text = new StringBuilder();
            values.forEach(element -> sorted.add(String.valueOf(element)));
            sorted.forEach(element -> text.append(element.length()).append(':').append(element));
            return text.toString();
        }
        return String.valueOf(value);
    }

    private static String fingerprint(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            byte[] kept = new byte[FINGERPRINT_BYTES];
            System.arraycopy(digest, 0, kept, 0, FINGERPRINT_BYTES);
            return BASE64.encodeToString(kept);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Filters in the given order, null values included (Map.of refuses nulls). */
    public static Map<String, Object> filters(Object... namesAndValues) {
        Map<String, Object> filters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            filters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return filters;
    }
}
