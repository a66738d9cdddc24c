package io.fleetstream.query.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses {@code from}/{@code to} query parameters: epoch milliseconds or RFC 3339 with an offset. */
public final class TimeParameter {

    private TimeParameter() {}

    /** The instant, or null when the parameter is absent. */
    public static Instant parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.matches("-?[0-9]+")) {
            if (text.length() == 10) {
                throw QueryException.badParameter(
                        field,
                        "'" + text + "' looks like epoch seconds; send epoch milliseconds (13 digits) or RFC 3339");
            }
            try {
                return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw QueryException.badParameter(field, "'" + text + "' is out of range for epoch milliseconds");
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw QueryException.badParameter(
                    field,
                    "'" + text + "' is neither epoch milliseconds nor RFC 3339 with an offset,"
                            + " e.g. 2024-03-05T10:00:00Z or 1709632800000");
        }
    }

    /** Checks that {@code from} is not after {@code to}. */
    public static void checkOrder(Instant from, Instant to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw QueryException.badParameter(
                    "from", "from (" + from + ") is after to (" + to + "); the range is [from, to), swap them");
        }
    }
}
