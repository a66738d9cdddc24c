package io.fleetstream.query.domain;

import java.util.List;
import java.util.Map;

/** JSON shapes of the read API; times are RFC 3339 strings with Z. */
public final class Views {

    private Views() {}

    /** One page of a list; {@code nextCursor} is null exactly when {@code hasMore} is false. */
    public record Page<T>(List<T> items, String nextCursor, boolean hasMore) {}

    public record ReadingPoint(String ts, double value) {}

    public record Latest(String deviceId, Map<String, ReadingPoint> metrics) {}

    public record AggregateItem(
            String windowStart, String windowEnd, long count, double min, double max, double sum, double avg) {}

    public record AlertItem(
            String alertId,
            String deviceId,
            String deviceType,
            String ruleId,
            String ruleName,
            String severity,
            String metric,
            String state,
            String raisedAt,
            Double raiseValue,
            String clearedAt,
            Double clearValue) {}

    public record Stats(ReadingStats readings, AggregateStats aggregates, AlertStats alerts, long devices) {}

    public record ReadingStats(long total, Map<String, Long> byMetric) {}

    public record AggregateStats(long total, Map<String, Long> byWindow) {}

    public record AlertStats(long raised, long cleared, long open, Map<String, AlertCounts> byDevice) {}

    public record AlertCounts(long raised, long cleared) {}
}
