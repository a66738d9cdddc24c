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

    private final DataSource dataSource = SharedInfra.postgres().dataSource("fleetstream");

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
        update(
                "INSERT INTO telemetry.alerts (alert_id, device_id, device_type, rule_id, rule_name, severity, metric,"
                        + " aggregation, window_size_seconds, raised_at, raise_value, raise_threshold, cleared_at,"
                        + " clear_value, clear_threshold)"
                        + " VALUES (?, ?, 'thermostat', ?, 'rule ' || ?, ?, 'temp', 'AVG', 60, ?, 81.5, 80.0, ?, ?, ?)",
                alertId,
                deviceId,
                ruleId,
                ruleId,
                severity,
                raisedAt.atOffset(ZoneOffset.UTC),
                clearedAt == null ? null : clearedAt.atOffset(ZoneOffset.UTC),
                clearedAt == null ? null : 64.0,
                clearedAt == null ? null : 65.0);
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
