package io.fleetstream.query;

import io.fleetstream.infra.SharedInfra;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Creates schema {@code telemetry} with telemetry-sink's own Flyway migrations, read from its source tree, so that
 * these tests run against exactly the tables the sink creates; then inserts rows with explicit timestamps.
 */
final class TelemetryFixture {

    static final Path SINK_MIGRATIONS = Path.of("../telemetry-sink/src/main/resources/db/migration");

    private final DataSource dataSource;

    TelemetryFixture() {
        this.dataSource = SharedInfra.postgres().dataSource("fleetstream");
    }

    /**
     * Migrates, then empties every table: the test classes share one application and database and run one after the
     * other, so each starts from its own fixture only.
     */
    void reset() {
        migrate();
        execute("TRUNCATE telemetry.readings, telemetry.reading_attributes, telemetry.window_aggregates,"
                + " telemetry.alerts, telemetry.alert_events, query.alert_acknowledgements, query.audit_log");
    }

    void migrate() {
        if (!Files.isDirectory(SINK_MIGRATIONS)) {
            throw new IllegalStateException(
                    "telemetry-sink migrations not found at " + SINK_MIGRATIONS.toAbsolutePath());
        }
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("telemetry")
                .defaultSchema("telemetry")
                .createSchemas(true)
                .locations("filesystem:" + SINK_MIGRATIONS.toAbsolutePath())
                .load()
                .migrate();
        // The sink creates monthly partitions on demand; a default partition stands in for them here.
        execute("CREATE TABLE IF NOT EXISTS telemetry.readings_test PARTITION OF telemetry.readings DEFAULT");
    }

    void execute(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void reading(String deviceId, String metric, Instant ts, double value, Instant receivedAt) {
        update(
                "INSERT INTO telemetry.readings (device_id, metric, ts, value, received_at) VALUES (?, ?, ?, ?, ?)",
                deviceId,
                metric,
                ts.atOffset(ZoneOffset.UTC),
                value,
                receivedAt.atOffset(ZoneOffset.UTC));
    }

    void aggregate(String deviceId, String metric, int sizeSeconds, Instant start, long count, double sum) {
        update(
                "INSERT INTO telemetry.window_aggregates (device_id, device_type, metric, window_size_seconds,"
                        + " window_start, window_end, count, min, max, sum, avg) VALUES (?, 'thermostat', ?, ?, ?, ?,"
                        + " ?, 1.0, 9.0, ?, ?)",
                deviceId,
                metric,
                sizeSeconds,
                start.atOffset(ZoneOffset.UTC),
                start.plusSeconds(sizeSeconds).atOffset(ZoneOffset.UTC),
                count,
                sum,
                sum / count);
    }

    void alert(String alertId, String deviceId, String ruleId, String severity, Instant raisedAt, Instant clearedAt) {
        alert(alertId, deviceId, ruleId, severity, raisedAt, clearedAt, "THRESHOLD", null);
    }

    /** An alert row as the sink writes it, with its RAISED event and, when cleared, its CLEARED event. */
    void alert(
            String alertId,
            String deviceId,
            String ruleId,
            String severity,
            Instant raisedAt,
            Instant clearedAt,
            String ruleKind,
            String cause) {
        update(
                "INSERT INTO telemetry.alerts (alert_id, device_id, device_type, rule_id, rule_name, severity, metric,"
                        + " aggregation, rule_kind, window_size_seconds, raised_at, raise_value, raise_threshold,"
                        + " cleared_at, clear_value, clear_threshold, cause)"
                        + " VALUES (?, ?, 'thermostat', ?, 'rule ' || ?, ?, 'temp', 'AVG', ?, 60, ?, 81.5, 80.0, ?, ?,"
                        + " ?, ?)",
                alertId,
                deviceId,
                ruleId,
                ruleId,
                severity,
                ruleKind,
                raisedAt.atOffset(ZoneOffset.UTC),
                clearedAt == null ? null : clearedAt.atOffset(ZoneOffset.UTC),
                clearedAt == null ? null : 64.0,
                clearedAt == null ? null : 65.0,
                cause);
        update(
                "INSERT INTO telemetry.alert_events (alert_id, state, event_time, window_start, value, threshold,"
                        + " rule_kind) VALUES (?, 'RAISED', ?, ?, 81.5, 80.0, ?)",
                alertId,
                raisedAt.atOffset(ZoneOffset.UTC),
                raisedAt.minusSeconds(60).atOffset(ZoneOffset.UTC),
                ruleKind);
        if (clearedAt != null) {
            update(
                    "INSERT INTO telemetry.alert_events (alert_id, state, event_time, window_start, value, threshold,"
                            + " rule_kind, cause) VALUES (?, 'CLEARED', ?, ?, 64.0, 65.0, ?, ?)",
                    alertId,
                    clearedAt.atOffset(ZoneOffset.UTC),
                    clearedAt.minusSeconds(60).atOffset(ZoneOffset.UTC),
                    ruleKind,
                    cause);
        }
    }

    /** A window aggregate with explicit statistics and revision. */
    void window(
            String deviceId,
            String metric,
            int sizeSeconds,
            Instant start,
            long count,
            double min,
            double max,
            double sum,
            int revision) {
        update(
                "INSERT INTO telemetry.window_aggregates (device_id, device_type, metric, window_size_seconds,"
                        + " window_start, window_end, count, min, max, sum, avg, revision)"
                        + " VALUES (?, 'thermostat', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                deviceId,
                metric,
                sizeSeconds,
                start.atOffset(ZoneOffset.UTC),
                start.plusSeconds(sizeSeconds).atOffset(ZoneOffset.UTC),
                count,
                min,
                max,
                sum,
                sum / count,
                revision);
    }

    /** Rows of a query, for assertions on tables this service owns. */
    java.util.List<java.util.List<Object>> rows(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery(sql)) {
            java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                java.util.List<Object> row = new java.util.ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    row.add(value instanceof java.time.OffsetDateTime time ? time.toInstant() : value);
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void update(String sql, Object... args) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
