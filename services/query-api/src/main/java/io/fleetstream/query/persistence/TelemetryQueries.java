package io.fleetstream.query.persistence;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.query.config.QuerySettings;
import io.fleetstream.query.domain.AlertFilter;
import io.fleetstream.query.domain.Cursor;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.Views.AggregateItem;
import io.fleetstream.query.domain.Views.AggregateStats;
import io.fleetstream.query.domain.Views.AlertCounts;
import io.fleetstream.query.domain.Views.AlertItem;
import io.fleetstream.query.domain.Views.AlertStats;
import io.fleetstream.query.domain.Views.Page;
import io.fleetstream.query.domain.Views.ReadingPoint;
import io.fleetstream.query.domain.Views.ReadingStats;
import io.fleetstream.query.domain.Views.Stats;
import io.fleetstream.schema.WindowSizes;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only queries over schema {@code telemetry}. Pages use keyset paging on the natural keys, fetching one row more
 * than asked to know whether another page exists; nothing is truncated silently.
 */
@ApplicationScoped
public class TelemetryQueries {

    static final String READINGS_CURSOR = "r";
    static final String AGGREGATES_CURSOR = "w";
    static final String ALERTS_CURSOR = "a";

    private final AgroalDataSource dataSource;
    private final int timeoutSeconds;

    public TelemetryQueries(AgroalDataSource dataSource, QuerySettings settings) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, settings.statementTimeout().toSeconds());
    }

    public static String readingsCursorKind() {
        return READINGS_CURSOR;
    }

    public static String aggregatesCursorKind() {
        return AGGREGATES_CURSOR;
    }

    public static String alertsCursorKind() {
        return ALERTS_CURSOR;
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
        query(sql.toString(), args, rows -> {
            Instant ts = instant(rows, 1);
            keys.add(ts);
            items.add(new ReadingPoint(ts.toString(), rows.getDouble(2)));
        });
        return page(items, page.limit(), last -> Cursor.encode(READINGS_CURSOR, keys.get(last), null));
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
        query(
                sql,
                List.of(deviceId, deviceId, deviceId),
                rows -> latest.put(
                        rows.getString(1), new ReadingPoint(instant(rows, 2).toString(), rows.getDouble(3))));
        return latest;
    }

    public Page<AggregateItem> aggregates(
            String deviceId, String metric, Duration window, Instant from, Instant to, PageRequest page) {
        StringBuilder sql = new StringBuilder("SELECT window_start, window_end, count, min, max, sum, avg"
                + " FROM telemetry.window_aggregates"
                + " WHERE device_id = ? AND metric = ? AND window_size_seconds = ?");
        List<Object> args = new ArrayList<>(List.of(deviceId, metric, (int) window.toSeconds()));
        range(sql, args, "window_start", from, to);
        if (page.after() != null) {
            sql.append(" AND window_start > ?");
            args.add(timestamp(page.after().at()));
        }
        sql.append(" ORDER BY window_start LIMIT ?");
        args.add(page.limit() + 1);
        List<AggregateItem> items = new ArrayList<>();
        List<Instant> keys = new ArrayList<>();
        query(sql.toString(), args, rows -> {
            Instant start = instant(rows, 1);
            keys.add(start);
            items.add(new AggregateItem(
                    start.toString(),
                    instant(rows, 2).toString(),
                    rows.getLong(3),
                    rows.getDouble(4),
                    rows.getDouble(5),
                    rows.getDouble(6),
                    rows.getDouble(7)));
        });
        return page(items, page.limit(), last -> Cursor.encode(AGGREGATES_CURSOR, keys.get(last), null));
    }

    /** Newest raisedAt first; alerts raised at the same instant are ordered by alert id. */
    public Page<AlertItem> alerts(AlertFilter filter, PageRequest page) {
        StringBuilder sql = new StringBuilder("SELECT alert_id, device_id, device_type, rule_id, rule_name, severity,"
                + " metric, raised_at, raise_value, cleared_at, clear_value FROM telemetry.alerts WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.deviceId() != null) {
            sql.append(" AND device_id = ?");
            args.add(filter.deviceId());
        }
        if (filter.ruleId() != null) {
            sql.append(" AND rule_id = ?");
            args.add(filter.ruleId());
        }
        if (filter.severity() != null) {
            sql.append(" AND severity = ?");
            args.add(filter.severity());
        }
        if (filter.open() != null) {
            sql.append(filter.open() ? " AND cleared_at IS NULL" : " AND cleared_at IS NOT NULL");
        }
        range(sql, args, "raised_at", filter.raisedFrom(), filter.raisedTo());
        if (page.after() != null) {
            sql.append(" AND (raised_at < ? OR (raised_at = ? AND alert_id > ?))");
            args.add(timestamp(page.after().at()));
            args.add(timestamp(page.after().at()));
            args.add(page.after().id() == null ? "" : page.after().id());
        }
        sql.append(" ORDER BY raised_at DESC, alert_id LIMIT ?");
        args.add(page.limit() + 1);
        List<AlertItem> items = new ArrayList<>();
        List<Instant> keys = new ArrayList<>();
        query(sql.toString(), args, rows -> {
            Instant raisedAt = instant(rows, 8);
            Instant clearedAt = instant(rows, 10);
            keys.add(raisedAt);
            items.add(new AlertItem(
                    rows.getString(1),
                    rows.getString(2),
                    rows.getString(3),
                    rows.getString(4),
                    rows.getString(5),
                    rows.getString(6),
                    rows.getString(7),
                    clearedAt == null ? "open" : "cleared",
                    raisedAt.toString(),
                    nullableDouble(rows, 9),
                    clearedAt == null ? null : clearedAt.toString(),
                    nullableDouble(rows, 11)));
        });
        return page(
                items,
                page.limit(),
                last -> Cursor.encode(
                        ALERTS_CURSOR, keys.get(last), items.get(last).alertId()));
    }

    /** Counts for the demo summary, read in one snapshot so that they agree with each other. */
    public Stats stats() {
        Map<String, Long> byMetric = new TreeMap<>();
        Map<String, Long> byWindow = new TreeMap<>();
        Map<String, AlertCounts> byDevice = new TreeMap<>();
        long[] devices = new long[1];
        inSnapshot(connection -> {
            each(
                    connection,
                    "SELECT metric, count(*) FROM telemetry.readings GROUP BY metric",
                    rows -> byMetric.put(rows.getString(1), rows.getLong(2)));
            each(
                    connection,
                    "SELECT window_size_seconds, count(*) FROM telemetry.window_aggregates GROUP BY 1",
                    rows -> byWindow.put(WindowSizes.label(Duration.ofSeconds(rows.getInt(1))), rows.getLong(2)));
            each(
                    connection,
                    "SELECT device_id, count(*), count(cleared_at) FROM telemetry.alerts GROUP BY device_id",
                    rows -> byDevice.put(rows.getString(1), new AlertCounts(rows.getLong(2), rows.getLong(3))));
            each(
                    connection,
                    "SELECT count(DISTINCT device_id) FROM telemetry.readings",
                    rows -> devices[0] = rows.getLong(1));
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

    private static void range(StringBuilder sql, List<Object> args, String column, Instant from, Instant to) {
        if (from != null) {
            sql.append(" AND ").append(column).append(" >= ?");
            args.add(timestamp(from));
        }
        if (to != null) {
            sql.append(" AND ").append(column).append(" < ?");
            args.add(timestamp(to));
        }
    }

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.IntFunction<String> cursorAt) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null, false);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, cursorAt.apply(limit - 1), true);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(java.time.ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    private interface RowHandler {
        void accept(ResultSet rows) throws SQLException;
    }

    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    private void query(String sql, List<Object> args, RowHandler handler) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < args.size(); i++) {
                statement.setObject(i + 1, args.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    handler.accept(rows);
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private void inSnapshot(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                work.run(connection);
                connection.commit();
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private void each(Connection connection, String sql, RowHandler handler) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    handler.accept(rows);
                }
            }
        }
    }

    /** Outages and a schema the sink has not created yet become 503; anything else is a server bug (500). */
    private static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42P01") || state.equals("3F000")) {
            return new StoreUnavailableException(
                    "the telemetry tables do not exist yet (telemetry-sink creates them)", e);
        }
        if (state.isEmpty() || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")) {
            return new StoreUnavailableException("PostgreSQL is unavailable: " + e.getMessage(), e);
        }
        return new IllegalStateException("query failed with SQLSTATE " + state, e);
    }
}
