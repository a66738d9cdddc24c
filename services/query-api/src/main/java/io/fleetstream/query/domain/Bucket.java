package io.fleetstream.query.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The bucket of an aggregate query. Sub-day buckets are aligned to UTC epoch multiples of their size whatever the zone;
 * day buckets follow the local calendar of {@code zone}, so a day with a DST change has 23 or 25 hours. A bucket's
 * start is inclusive, its end exclusive, and it is labelled by its start.
 */
public record Bucket(String label, Duration size, ZoneId zone) {

    /** Bucket labels the API accepts, finest first. */
    public static final List<String> LABELS = List.of("1m", "5m", "15m", "1h", "1d");

    private static final Duration DAY = Duration.ofDays(1);

    /** Parses {@code bucket} and {@code tz}; a 400 explains what to send instead. */
    public static Bucket of(String label, String tz) {
        String text = label.strip().toLowerCase(Locale.ROOT);
        Duration size =
                switch (text) {
                    case "1m" -> Duration.ofMinutes(1);
                    case "5m" -> Duration.ofMinutes(5);
                    case "15m" -> Duration.ofMinutes(15);
                    case "1h" -> Duration.ofHours(1);
                    case "1d" -> DAY;
                    default ->
                        throw QueryException.badParameter(
                                "bucket",
                                "'" + label + "' is not a bucket size; use one of " + String.join(", ", LABELS));
                };
        return new Bucket(text, size, zone(tz));
    }

    /**
     * IANA region names only: offsets such as {@code +05:45} or {@code UTC+5} are refused, because PostgreSQL reads
     * some of them with the opposite sign (POSIX convention) and they have no calendar of their own anyway.
     */
    static ZoneId zone(String tz) {
        if (tz == null || tz.isBlank()) {
            return ZoneOffset.UTC;
        }
        String name = tz.strip();
        if (!ZoneId.getAvailableZoneIds().contains(name)) {
            throw QueryException.badParameter(
                    "tz",
                    "'" + name + "' is not an IANA time zone name; send a name such as Europe/Berlin,"
                            + " America/New_York, Asia/Kathmandu or UTC (case matters, no offsets like +02:00)");
        }
        return name.equals("UTC") ? ZoneOffset.UTC : ZoneId.of(name);
    }

    public boolean isDay() {
        return size.equals(DAY);
    }

    /** The zone name PostgreSQL is given for day buckets. */
    public String zoneName() {
        return zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    /** The first bucket start at or after {@code t}. */
    public Instant ceil(Instant t) {
        if (isDay()) {
            LocalDate date = t.atZone(zone).toLocalDate();
            Instant start = date.atStartOfDay(zone).toInstant();
            return start.isBefore(t) ? date.plusDays(1).atStartOfDay(zone).toInstant() : start;
        }
        long sizeMillis = size.toMillis();
        long millis = t.toEpochMilli();
        long floor = Math.floorDiv(millis, sizeMillis) * sizeMillis;
        Instant start = Instant.ofEpochMilli(floor);
        return start.isBefore(t) ? start.plus(size) : start;
    }

    /** The start of the bucket that contains {@code t}. */
    public Instant floor(Instant t) {
        if (isDay()) {
            return t.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        }
        long sizeMillis = size.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), sizeMillis) * sizeMillis);
    }

    /** The start of the bucket {@code count} buckets after the one starting at {@code start}. */
    public Instant plus(Instant start, long count) {
        if (isDay()) {
            return start.atZone(zone)
                    .toLocalDate()
                    .plusDays(count)
                    .atStartOfDay(zone)
                    .toInstant();
        }
        return start.plus(size.multipliedBy(count));
    }

    /** The day bucket of a local date. */
    public Instant startOf(LocalDate date) {
        return date.atStartOfDay(zone).toInstant();
    }

    /** The UTC bucket with index {@code index} (start = index * size since the epoch). */
    public Instant startOf(long index) {
        return Instant.ofEpochSecond(Math.multiplyExact(index, size.toSeconds()));
    }

    /**
     * Whether windows of {@code window} nest exactly in these buckets over {@code [from, to)}: the window size must
     * divide the bucket, and for day buckets every UTC offset the zone has in the range must be a multiple of it (a
     * day starting at 00:00 +05:45 cannot be built from hourly windows).
     */
    public boolean builtExactlyFrom(Duration window, Instant from, Instant to) {
        long w = window.toSeconds();
        if (w <= 0 || size.toSeconds() % w != 0) {
            return false;
        }
        if (!isDay()) {
            return true;
        }
        for (ZoneOffset offset : offsets(from, to)) {
            if (offset.getTotalSeconds() % w != 0) {
                return false;
            }
        }
        return true;
    }

    private Set<ZoneOffset> offsets(Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        Set<ZoneOffset> offsets = new LinkedHashSet<>();
        offsets.add(rules.getOffset(from));
        ZoneOffsetTransition next = rules.nextTransition(from);
        while (next != null && next.getInstant().isBefore(to)) {
            offsets.add(next.getOffsetAfter());
            next = rules.nextTransition(next.getInstant());
        }
        return offsets;
    }
}
