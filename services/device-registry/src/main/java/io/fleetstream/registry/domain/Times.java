package io.fleetstream.registry.domain;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Parses the times and durations of requests, with messages that say how to write them. */
public final class Times {

    /** Epoch milliseconds below this (March 1973) are almost certainly seconds sent by mistake. */
    private static final long SMALLEST_PLAUSIBLE_MILLIS = 100_000_000_000L;

    /** Latest accepted time; later values are typos, and PostgreSQL could not store all of them. */
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private Times() {}

    /**
     * A point in time given as epoch milliseconds (JSON integer or, in a query parameter, digits) or RFC 3339 with
     * offset; null when absent.
     */
    public static Instant instant(String field, Object raw) {
        if (raw == null) {
            return null;
        }
        Instant parsed;
        if (raw instanceof Integer || raw instanceof Long) {
            parsed = fromMillis(field, ((Number) raw).longValue());
        } else if (raw instanceof String text && text.matches("-?[0-9]{1,18}")) {
            parsed = fromMillis(field, Long.parseLong(text));
        } else if (raw instanceof String text) {
            try {
                parsed = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(
                        field,
                        "'" + Checks.abbreviate(text) + "' is not an RFC 3339 time with offset; use for example"
                                + " 2030-01-31T12:00:00Z, or epoch milliseconds");
            }
        } else if (raw instanceof BigInteger) {
            throw new InvalidRequestException(field, "is out of range; give epoch milliseconds");
        } else {
            throw new InvalidRequestException(
                    field,
                    "must be epoch milliseconds as a JSON integer or an RFC 3339 string such as 2030-01-31T12:00:00Z");
        }
        parsed = parsed.truncatedTo(ChronoUnit.MILLIS);
        if (parsed.isAfter(LATEST)) {
            throw new InvalidRequestException(field, "is after " + LATEST + "; give an earlier time");
        }
        return parsed;
    }

    /** An optional expiry that must lie in the future. */
    public static Instant expiry(String field, Object raw, Instant now) {
        Instant parsed = instant(field, raw);
        if (parsed != null && !parsed.isAfter(now)) {
            throw new InvalidRequestException(
                    field,
                    parsed + " is not in the future (server time " + now + "); give a later time or leave " + field
                            + " out for no expiry");
        }
        return parsed;
    }

    /**
     * A duration given as ISO 8601 (such as {@code "PT5M"}) or as whole seconds (JSON integer), within bounds; null
     * when absent. Errors are added to {@code checks}.
     */
    static Duration duration(Checks checks, String field, Object raw, Duration min, Duration max) {
        if (raw == null) {
            return null;
        }
        String bounds = "from " + describe(min) + " to " + describe(max);
        Duration parsed;
        if (raw instanceof Integer || raw instanceof Long) {
            parsed = Duration.ofSeconds(((Number) raw).longValue());
        } else if (raw instanceof String text) {
            try {
                parsed = Duration.parse(text);
            } catch (DateTimeParseException e) {
                checks.add(
                        field,
                        "'" + Checks.abbreviate(text) + "' is not an ISO 8601 duration; write for example \"PT5M\""
                                + " or \"PT1H\", or whole seconds as a JSON integer, " + bounds);
                return null;
            }
        } else {
            checks.add(field, "must be an ISO 8601 duration such as \"PT5M\" or whole seconds, " + bounds);
            return null;
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            checks.add(field, describe(parsed) + " is out of range; give a duration " + bounds);
            return null;
        }
        return parsed;
    }

    private static Instant fromMillis(String field, long millis) {
        if (millis > 0 && millis < SMALLEST_PLAUSIBLE_MILLIS) {
            throw new InvalidRequestException(
                    field, millis + " looks like epoch seconds; give epoch milliseconds instead");
        }
        return Instant.ofEpochMilli(millis);
    }

    private static String describe(Duration duration) {
        return duration.toString();
    }
}
