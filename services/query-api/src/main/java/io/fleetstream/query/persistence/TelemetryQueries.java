package io.fleetstream.query.persistence;

import io.fleetstream.query.domain.Cursor;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.Views.AggregateStats;
import io.fleetstream.query.domain.Views.AlertCounts;
import io.fleetstream.query.domain.Views.AlertStats;
import io.fleetstream.query.domain.Views.Page;
import io.fleetstream.query.domain.Views.ReadingPoint;
import io.fleetstream.query.domain.Views.ReadingStats;
import io.fleetstream.query.domain.Views.Stats;
import io.fleetstream.schema.WindowSizes;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static io.fleetstream.query.persistence.Database.instant;
import static io.fleetstream.query.persistence.Database.timestamp;

/**
 * Read-only queries over readings and the summary counts of schema {@code telemetry}. Pages use keyset paging on the
 * natural keys, fetching one row more than asked to know whether another page exists; nothing is truncated silently.
 */
@ApplicationScoped
public class TelemetryQueries {

    static final String READINGS_CURSOR = "r";

    private final Database db;

    public TelemetryQueries(Database db) {
        this.db = db;
    }

    /** Readings cursors continue one series (device and metric) over one time range. */
    public static Cursor.Scope readingsCursorScope(String deviceId, String metric, Instant from, Instant to) {
        return Cursor.Scope.of(
                READINGS_CURSOR, Cursor.filters("deviceId", deviceId, "metric", metric, "from", from, "to", to));
    }

    public Page<ReadingPoint> readings(String deviceId, String metric, Instant from, Instant to, PageRequest page) {
        StringBuilder sql =
                new StringBuilder("SELECT ts, value FROM telemetry.readings WHERE device_id = ? AND metric = ?");
        List<Object> args = new ArrayList<>(List.of(deviceId, metric));
        range(sql, args, "ts", from, to);
        if (page.after() != null) {
            sql.append(" AND ts > ?");
            args.add(timestamp(page.after().at()));
        }
        sql.append(" ORDER BY ts LIMIT ?");
        args.add(page.limit() + 1);
        List<ReadingPoint> items = new ArrayList<>();
        List<Instant> keys = new ArrayList<>();
        db.query(sql.toString(), args, rows -> {
            Instant ts = instant(rows, 1);
            keys.add(ts);
            items.add(new ReadingPoint(ts.toString(), rows.getDouble(2)));
        });
        return page(items, page.limit(), last -> page.cursorAfter(keys.get(last), null));
    }

    /** Newest value per metric by event time; empty when the device has no readings. */
    public Map<String, ReadingPoint> latest(String deviceId) {
        // Walks the distinct metrics with an index skip scan, then takes the newest ts of each metric from the index,
        // so the cost grows with the number of metrics, not with the number of readings.
        String sql = "WITH RECURSIVE metrics(metric) AS ("
                + " (SELECT metric FROM telemetry.readings WHERE device_id = ? ORDER BY metric LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT r.metric FROM telemetry.readings r WHERE r.device_id = ? AND r.metric > m.metric"
                + " ORDER BY r.metric LIMIT 1) FROM metrics m WHERE m.metric IS NOT NULL)"
                + " SELECT m.metric, newest.ts, newest.value FROM metrics m CROSS JOIN LATERAL"
                + " (SELECT ts, value FROM telemetry.readings r WHERE r.device_id = ? AND r.metric = m.metric"
                + " ORDER BY ts DESC LIMIT 1) newest"
                + " WHERE m.metric IS NOT NULL ORDER BY m.metric";
        Map<String, ReadingPoint> latest = new LinkedHashMap<>();
        db.query(
                sql,
                List.of(deviceId, deviceId, deviceId),
                rows -> latest.put(
                        rows.getString(1), new ReadingPoint(instant(rows, 2).toString(), rows.getDouble(3))));
        return latest;
    }

    /** Counts for the demo summary, read in one snapshot so that they agree with each other. */
    public Stats stats() {
        Map<String, Long> byMetric = new TreeMap<>();
        Map<String, Long> byWindow = new TreeMap<>();
        Map<String, AlertCounts> byDevice = new TreeMap<>();
        long[] devices = new long[1];
        db.inTransaction(Connection.TRANSACTION_REPEATABLE_READ, true, connection -> {
            db.each(
                    connection,
                    "SELECT metric, count(*) FROM telemetry.readings GROUP BY metric",
                    List.of(),
                    rows -> byMetric.put(rows.getString(1), rows.getLong(2)));
            db.each(
                    connection,
                    "SELECT window_size_seconds, count(*) FROM telemetry.window_aggregates GROUP BY 1",
                    List.of(),
                    rows -> byWindow.put(WindowSizes.label(Duration.ofSeconds(rows.getInt(1))), rows.getLong(2)));
            db.each(
                    connection,
                    "SELECT device_id, count(*), count(cleared_at) FROM telemetry.alerts GROUP BY device_id",
                    List.of(),
                    rows -> byDevice.put(rows.getString(1), new AlertCounts(rows.getLong(2), rows.getLong(3))));
            db.each(
                    connection,
                    "SELECT count(DISTINCT device_id) FROM telemetry.readings",
                    List.of(),
                    rows -> devices[0] = rows.getLong(1));
            return null;
        });
        long readings = byMetric.values().stream().mapToLong(Long::longValue).sum();
        long aggregates = byWindow.values().stream().mapToLong(Long::longValue).sum();
        long raised = byDevice.values().stream().mapToLong(AlertCounts::raised).sum();
        long cleared =
                byDevice.values().stream().mapToLong(AlertCounts::cleared).sum();
        return new Stats(
                new ReadingStats(readings, byMetric),
                new AggregateStats(aggregates, byWindow),
                new AlertStats(raised, cleared, raised - cleared, byDevice),
                devices[0]);
    }

    static void range(StringBuilder sql, List<Object> args, String column, Instant from, Instant to) {
        if (from != null) {
            sql.append(" AND ").append(column).append(" >= ?");
            args.add(timestamp(from));
        }
        if (to != null) {
            sql.append(" AND ").append(column).append(" < ?");
            args.add(timestamp(to));
        }
    }

    static <T> Page<T> page(List<T> rows, int limit, IntFunction<String> cursorAt) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null, false);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, cursorAt.apply(limit - 1), true);
    }
}
