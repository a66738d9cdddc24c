package io.fleetstream.query.domain;

import java.util.List;
import java.util.Map;

/** JSON shapes of the query API; times are RFC 3339 strings with Z. */
public final class Views {

    private Views() {}

    /** One page of a list; {@code nextCursor} is null exactly when {@code hasMore} is false. */
    public record Page<T>(List<T> items, String nextCursor, boolean hasMore) {}

    public record ReadingPoint(String ts, double value) {}

    public record Latest(String deviceId, Map<String, ReadingPoint> metrics) {}

    /**
     * One page of buckets. {@code source} says what they were computed from: {@code aggregates:<window size>} (stored
     * window aggregates of that size) or {@code readings} (stored raw readings).
     */
    public record BucketPage(List<BucketItem> items, String nextCursor, boolean hasMore, String source) {}

    /** Statistics of one bucket {@code [bucketStart, bucketEnd)}; buckets without data are not listed. */
    public record BucketItem(
            String bucketStart, String bucketEnd, long count, double min, double max, double sum, double avg) {}

    /** Who acknowledged an alert, when, and why. */
    public record Acknowledgement(String acknowledgedAt, String keyId, String keyName, String note) {}

    /**
     * An alert episode. {@code state} is {@code open}, {@code acknowledged} (open and acknowledged) or {@code cleared}
     * (whether acknowledged or not); {@code cause} says why it cleared when the clear condition did not do it.
     */
    public record AlertItem(
            String alertId,
            String deviceId,
            String deviceType,
            String ruleId,
            String ruleName,
            String ruleKind,
            String severity,
            String metric,
            String state,
            String raisedAt,
            Double raiseValue,
            String clearedAt,
            Double clearValue,
            String cause,
            Acknowledgement acknowledgement) {}

    /** One transition of an alert as the stream processor emitted it. */
    public record AlertEventItem(
            String state, String eventTime, String windowStart, double value, double threshold, String cause) {}

    /** An alert with its transitions, oldest first. */
    public record AlertDetail(AlertItem alert, List<AlertEventItem> events) {}

    public record Stats(ReadingStats readings, AggregateStats aggregates, AlertStats alerts, long devices) {}

    public record ReadingStats(long total, Map<String, Long> byMetric) {}

    public record AggregateStats(long total, Map<String, Long> byWindow) {}

    public record AlertStats(long raised, long cleared, long open, Map<String, AlertCounts> byDevice) {}

    public record AlertCounts(long raised, long cleared) {}
}
