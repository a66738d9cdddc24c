package io.fleetstream.systemtest;

import io.fleetstream.stack.LocalStack;
import io.fleetstream.systemtest.CsvSlice.Episode;
import io.fleetstream.systemtest.CsvSlice.Key;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slice of real data the system tests replay, two stations over two winter months (December 2015 and January 2016,
 * 2,976 rows, 32,601 metric values, 21 PM2.5 episodes above 300), and the reads of what the stack stored for it.
 */
final class WinterSlice {

    static final List<String> STATIONS = List.of("Dongsi", "Changping");
    static final List<String> DEVICE_IDS = List.of("dongsi", "changping");
    static final String FROM = "2015-12-01";
    static final String TO = "2016-02-01";
    /** Beijing midnight of FROM and TO, spelled out so that the tests do not lean on DemoOptions for them. */
    static final Instant FROM_INSTANT = Instant.parse("2015-11-30T16:00:00Z");

    static final Instant TO_INSTANT = Instant.parse("2016-01-31T16:00:00Z");

    /** One row of telemetry.readings. */
    record StoredValue(Key key, double value) {}

    /** One row of telemetry.alerts, with the rule fields the tests check. */
    record StoredAlert(String alertId, Episode episode, String ruleName, String metric, String severity) {}

    private WinterSlice() {}

    static Connection connect(LocalStack stack) throws SQLException {
        return DriverManager.getConnection(
                stack.jdbcUrl(), stack.postgres().username(), stack.postgres().password());
    }

    /** Every stored metric value of the slice's devices, duplicates included. */
    static List<StoredValue> storedValues(LocalStack stack) throws SQLException {
        List<StoredValue> values = new ArrayList<>();
        try (Connection db = connect(stack);
                PreparedStatement query = db.prepareStatement(
                        "SELECT device_id, metric, ts, value FROM telemetry.readings WHERE device_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    values.add(new StoredValue(
                            new Key(row.getString(1), row.getString(2), instant(row, 3)),
                            normalised(row.getDouble(4))));
                }
            }
        }
        return values;
    }

    /** Every stored alert of the slice's devices, ordered by device id and raise time. */
    static List<StoredAlert> storedAlerts(LocalStack stack) throws SQLException {
        List<StoredAlert> alerts = new ArrayList<>();
        try (Connection db = connect(stack);
                PreparedStatement query = db.prepareStatement("SELECT alert_id, device_id, raised_at, raise_value,"
                        + " cleared_at, clear_value, rule_name, metric, severity FROM telemetry.alerts"
                        + " WHERE device_id = ANY (?) ORDER BY device_id, raised_at")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    Object clearValue = row.getObject(6);
                    Episode episode = new Episode(
                            row.getString(2),
                            instant(row, 3),
                            row.getDouble(4),
                            row.getObject(5) == null ? null : instant(row, 5),
                            clearValue == null ? null : ((Number) clearValue).doubleValue());
                    alerts.add(new StoredAlert(
                            row.getString(1), episode, row.getString(7), row.getString(8), row.getString(9)));
                }
            }
        }
        return alerts;
    }

    /** Expected episodes of both stations, ordered by device id and then raise time, as the queries order them. */
    static List<Episode> expectedEpisodes(CsvSlice expected, double raiseThreshold, double clearThreshold) {
        List<Episode> all = new ArrayList<>();
        DEVICE_IDS.stream()
                .sorted()
                .forEach(deviceId -> all.addAll(expected.episodes(deviceId, raiseThreshold, clearThreshold)));
        return all;
    }

    static Instant instant(ResultSet row, int column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** Folds -0.0 into 0.0, which compare equal as numbers but not as boxed doubles. */
    static double normalised(double value) {
        return value + 0.0;
    }

    static Map<Key, Double> normalised(Map<Key, Double> values) {
        Map<Key, Double> result = new HashMap<>();
        values.forEach((key, value) -> result.put(key, normalised(value)));
        return result;
    }
}
