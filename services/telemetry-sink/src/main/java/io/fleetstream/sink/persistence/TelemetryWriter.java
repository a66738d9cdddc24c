package io.fleetstream.sink.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.sink.domain.SinkBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes one batch into schema {@code telemetry} in a single transaction. Each table gets one statement that unnests
 * column arrays: one round trip and one plan per table per batch, which measured faster than batched multi-row
 * inserts. Inserts are {@code ON CONFLICT DO NOTHING}; rows are offered in consumption order, so the first value for
 * an identity wins even inside one batch. Window aggregates are the exception: a higher revision of a window replaces
 * the stored one, while an equal or lower revision is a duplicate.
 */
@ApplicationScoped
public class TelemetryWriter {

    /** PostgreSQL SQLSTATE for "no partition of relation found for row". */
    private static final String NO_PARTITION = "23514";

    /** Timestamps travel as epoch milliseconds; the interval product is exact for every representable instant. */
    private static final String MILLIS = "(timestamptz 'epoch' + %s * interval '1 millisecond')";

    private static final String INSERT_READINGS = "INSERT INTO telemetry.readings"
            + " (device_id, metric, ts, value, received_at, message_id)"
            + " SELECT d, m, " + millis("t") + ", v, " + millis("r") + ", i"
            + " FROM unnest(?::text[], ?::text[], ?::int8[], ?::float8[], ?::int8[], ?::text[]) AS u(d, m, t, v, r, i)"
            + " ON CONFLICT DO NOTHING";

    private static final String INSERT_ATTRIBUTES = "INSERT INTO telemetry.reading_attributes"
            + " (device_id, ts, attributes)"
            + " SELECT d, " + millis("t") + ", a::jsonb"
            + " FROM unnest(?::text[], ?::int8[], ?::text[]) AS u(d, t, a)"
            + " ON CONFLICT DO NOTHING";

    private static final String INSERT_AGGREGATES = "INSERT INTO telemetry.window_aggregates AS wa"
            + " (device_id, device_type, metric, window_size_seconds, window_start, window_end,"
            + " count, min, max, sum, avg, revision)"
            + " SELECT d, y, m, s, " + millis("ws") + ", " + millis("we") + ", c, mn, mx, sm, av, rv"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::int4[], ?::int8[], ?::int8[], ?::int8[],"
            + " ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::int4[])"
            + " AS u(d, y, m, s, ws, we, c, mn, mx, sm, av, rv)"
            + " ON CONFLICT (device_id, metric, window_size_seconds, window_start) DO UPDATE SET"
            + " window_end = excluded.window_end, count = excluded.count, min = excluded.min, max = excluded.max,"
            + " sum = excluded.sum, avg = excluded.avg, revision = excluded.revision"
            + " WHERE wa.revision < excluded.revision";

    private static final String INSERT_ALERT_EVENTS = "INSERT INTO telemetry.alert_events"
            + " (alert_id, state, event_time, window_start, value, threshold, rule_kind, cause)"
            + " SELECT a, s, " + millis("e") + ", " + millis("w") + ", v, t, k, c"
            + " FROM unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::float8[], ?::float8[], ?::text[],"
            + " ?::text[]) AS u(a, s, e, w, v, t, k, c)"
            + " ON CONFLICT DO NOTHING";

    private static final String ALERT_COLUMNS = "alert_id, device_id, device_type, rule_id, rule_name, severity,"
            + " metric, aggregation, rule_kind, window_size_seconds, raised_at";

    private static final String ALERT_ARRAYS = "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::int4[], ?::int8[]";

    private static final String INSERT_RAISED = "INSERT INTO telemetry.alerts (" + ALERT_COLUMNS
            + ", raise_value, raise_threshold)"
            + " SELECT a, d, y, ri, rn, sv, m, ag, k, s, " + millis("ra") + ", v, t"
            + " FROM unnest(" + ALERT_ARRAYS + ", ?::float8[], ?::float8[])"
            + " AS u(a, d, y, ri, rn, sv, m, ag, k, s, ra, v, t)"
            + " ON CONFLICT DO NOTHING";

    // A CLEARED event normally finds the row its RAISED event inserted (earlier in this batch or before). Should the
    // RAISED event be missing, the episode is still recorded, with a null raise value, rather than dropped. A CLEARED
    // caused by a rule or device change (cause set) closes the episode like any other and keeps its cause.
    private static final String APPLY_CLEARED = "INSERT INTO telemetry.alerts AS al (" + ALERT_COLUMNS
            + ", cleared_at, clear_value, clear_threshold, cause)"
            + " SELECT a, d, y, ri, rn, sv, m, ag, k, s, " + millis("ra") + ", " + millis("ce") + ", v, t, c"
            + " FROM unnest(" + ALERT_ARRAYS + ", ?::int8[], ?::float8[], ?::float8[], ?::text[])"
            + " AS u(a, d, y, ri, rn, sv, m, ag, k, s, ra, ce, v, t, c)"
            + " ON CONFLICT (alert_id) DO UPDATE SET cleared_at = excluded.cleared_at,"
            + " clear_value = excluded.clear_value, clear_threshold = excluded.clear_threshold, cause = excluded.cause"
            + " WHERE al.cleared_at IS NULL";

    private final AgroalDataSource dataSource;
    private final ReadingPartitions partitions;
    private final ObjectMapper json;

    public TelemetryWriter(AgroalDataSource dataSource, ReadingPartitions partitions, ObjectMapper json) {
        this.dataSource = dataSource;
        this.partitions = partitions;
        this.json = json;
    }

    private static String millis(String column) {
        return MILLIS.formatted(column);
    }

    /** Writes the batch and commits, or rolls back and throws; nothing of a failed batch is visible. */
    public WriteResult write(SinkBatch batch) throws SQLException {
        partitions.ensure(batch.readingMonths());
        return inTransaction(connection -> {
            WriteResult result = new WriteResult();
            writeAll(connection, batch, result);
            return result;
        });
    }

    /**
     * Writes each entry (the one consumed record it holds) on its own, in the order given, so that an entry PostgreSQL
     * refuses as data costs only itself: it is rolled back and listed in {@link WriteResult#refused()}, the others are
     * stored. Any other failure rolls back everything and throws, as {@link #write} does, and the caller retries.
     *
     * <p>Every entry gets a savepoint inside one transaction rather than a transaction of its own: one commit (one
     * WAL flush) for the whole batch instead of one per record, and a failure that is not about data leaves nothing
     * behind, so the retry starts from the same state as a failed {@link #write}. Beyond 64 savepoints PostgreSQL
     * keeps their ids in a slower structure until the transaction ends, which briefly slows other sessions; that is
     * acceptable for a fallback taken only when a batch holds a record PostgreSQL refuses.
     *
     * <p>Order matters only where it did in one piece: the first value stored for an identity still wins and the
     * highest window revision is still kept. A CLEARED event consumed before its RAISED event (never the case for one
     * alert on one partition) would record the episode without the raise value, as it does across two batches.
     */
    public WriteResult writeEach(List<SinkBatch> entries) throws SQLException {
        Set<YearMonth> months = new TreeSet<>();
        entries.forEach(entry -> months.addAll(entry.readingMonths()));
        partitions.ensure(months);
        return inTransaction(connection -> {
            WriteResult result = new WriteResult();
            for (int i = 0; i < entries.size(); i++) {
                Savepoint savepoint = connection.setSavepoint();
                // Counted into a scratch result first, so a refused entry adds no rows to the metrics.
                WriteResult entry = new WriteResult();
                try {
                    writeAll(connection, entries.get(i), entry);
                } catch (TableWriteException e) {
                    if (!DataErrors.isAboutData(e)) {
                        throw e;
                    }
                    connection.rollback(savepoint);
                    result.refuse(i, DataErrors.describe(e.table, e), (SQLException) e.getCause());
                    continue;
                }
                connection.releaseSavepoint(savepoint);
                entry.counts().forEach((table, count) -> result.add(table, count[0], count[1]));
            }
            return result;
        });
    }

    /** Work done in one transaction on one connection. */
    @FunctionalInterface
    private interface TransactionWork {
        WriteResult run(Connection connection) throws SQLException;
    }

    /** Runs the work and commits, or rolls back and throws: nothing of failed work is visible. */
    private WriteResult inTransaction(TransactionWork work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                WriteResult result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException e) {
                connection.rollback();
                throw original(e);
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private void writeAll(Connection connection, SinkBatch batch, WriteResult result) throws SQLException {
        writeReadings(connection, batch.readings(), result);
        writeAggregates(connection, batch.aggregates(), result);
        writeAlerts(connection, batch.alertEvents(), result);
    }

    /** Runs one insert, naming its table if PostgreSQL refuses it: the server reports no table for input errors. */
    private static int update(PreparedStatement statement, String table) throws SQLException {
        try {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new TableWriteException(table, e);
        }
    }

    /** The driver's own exception, as callers know it; forgets the cached partitions if one was missing. */
    private SQLException original(SQLException e) {
        SQLException original = e instanceof TableWriteException named ? (SQLException) named.getCause() : e;
        if (NO_PARTITION.equals(original.getSQLState())) {
            partitions.forget();
        }
        return original;
    }

    private void writeReadings(Connection connection, List<EnrichedReading> readings, WriteResult result)
            throws SQLException {
        if (readings.isEmpty()) {
            return;
        }
        int rows = 0;
        for (EnrichedReading reading : readings) {
            rows += reading.getMetrics().size();
        }
        String[] devices = new String[rows];
        String[] metrics = new String[rows];
        long[] timestamps = new long[rows];
        double[] values = new double[rows];
        long[] received = new long[rows];
        String[] messageIds = new String[rows];
        List<String> attrDevices = new ArrayList<>();
        List<Long> attrTimestamps = new ArrayList<>();
        List<String> attrJson = new ArrayList<>();
        int row = 0;
        for (EnrichedReading reading : readings) {
            String device = reading.getDeviceId();
            long ts = reading.getTs().toEpochMilli();
            long receivedAt = reading.getReceivedAt().toEpochMilli();
            String messageId = reading.getMessageId();
            for (Map.Entry<String, Double> metric : reading.getMetrics().entrySet()) {
                devices[row] = device;
                metrics[row] = metric.getKey();
                timestamps[row] = ts;
                values[row] = metric.getValue();
                received[row] = receivedAt;
                messageIds[row] = messageId;
                row++;
            }
            if (!reading.getAttributes().isEmpty()) {
                attrDevices.add(device);
                attrTimestamps.add(ts);
                attrJson.add(toJson(reading.getAttributes()));
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_READINGS)) {
            statement.setArray(1, array(connection, "text", devices));
            statement.setArray(2, array(connection, "text", metrics));
            statement.setArray(3, array(connection, "int8", timestamps));
            statement.setArray(4, array(connection, "float8", values));
            statement.setArray(5, array(connection, "int8", received));
            statement.setArray(6, array(connection, "text", messageIds));
            result.add(WriteResult.READINGS, update(statement, "telemetry.readings"), rows);
        }
        if (!attrDevices.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(INSERT_ATTRIBUTES)) {
                statement.setArray(1, array(connection, "text", attrDevices.toArray(String[]::new)));
                statement.setArray(2, array(connection, "int8", longs(attrTimestamps)));
                statement.setArray(3, array(connection, "text", attrJson.toArray(String[]::new)));
                result.add(
                        WriteResult.ATTRIBUTES, update(statement, "telemetry.reading_attributes"), attrDevices.size());
            }
        }
    }

    private void writeAggregates(Connection connection, List<MetricWindowAggregate> aggregates, WriteResult result)
            throws SQLException {
        if (aggregates.isEmpty()) {
            return;
        }
        // An upsert may not touch one row twice in a statement, so the batch offers each window once: its highest
        // revision, and at equal revisions the first consumed, the same choice the database makes across batches.
        Map<String, MetricWindowAggregate> latest = new LinkedHashMap<>();
        for (MetricWindowAggregate aggregate : aggregates) {
            String identity = aggregate.getDeviceId()
                    + '\u0000'
                    + aggregate.getMetric()
                    + '\u0000'
                    + aggregate.getWindowSizeMillis()
                    + '\u0000'
                    + aggregate.getWindowStart().toEpochMilli();
            latest.merge(
                    identity,
                    aggregate,
                    (kept, offered) -> offered.getRevision() > kept.getRevision() ? offered : kept);
        }
        List<MetricWindowAggregate> offered = List.copyOf(latest.values());
        int n = offered.size();
        String[] devices = new String[n];
        String[] types = new String[n];
        String[] metrics = new String[n];
        int[] sizes = new int[n];
        long[] starts = new long[n];
        long[] ends = new long[n];
        long[] counts = new long[n];
        double[] mins = new double[n];
        double[] maxs = new double[n];
        double[] sums = new double[n];
        double[] avgs = new double[n];
        int[] revisions = new int[n];
        for (int i = 0; i < n; i++) {
            MetricWindowAggregate aggregate = offered.get(i);
            devices[i] = aggregate.getDeviceId();
            types[i] = aggregate.getDeviceType();
            metrics[i] = aggregate.getMetric();
            sizes[i] = (int) (aggregate.getWindowSizeMillis() / 1000);
            starts[i] = aggregate.getWindowStart().toEpochMilli();
            ends[i] = aggregate.getWindowEnd().toEpochMilli();
            counts[i] = aggregate.getCount();
            mins[i] = aggregate.getMin();
            maxs[i] = aggregate.getMax();
            sums[i] = aggregate.getSum();
            avgs[i] = aggregate.getAvg();
            revisions[i] = aggregate.getRevision();
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_AGGREGATES)) {
            statement.setArray(1, array(connection, "text", devices));
            statement.setArray(2, array(connection, "text", types));
            statement.setArray(3, array(connection, "text", metrics));
            statement.setArray(4, array(connection, "int4", sizes));
            statement.setArray(5, array(connection, "int8", starts));
            statement.setArray(6, array(connection, "int8", ends));
            statement.setArray(7, array(connection, "int8", counts));
            statement.setArray(8, array(connection, "float8", mins));
            statement.setArray(9, array(connection, "float8", maxs));
            statement.setArray(10, array(connection, "float8", sums));
            statement.setArray(11, array(connection, "float8", avgs));
            statement.setArray(12, array(connection, "int4", revisions));
            // Rows inserted or raised to a higher revision count as written; everything else offered is a duplicate
            // (a replay, or a revision no newer than the stored one).
            result.add(WriteResult.AGGREGATES, update(statement, "telemetry.window_aggregates"), aggregates.size());
        }
    }

    private void writeAlerts(Connection connection, List<AlertEvent> events, WriteResult result) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        String[] ids = new String[n];
        String[] states = new String[n];
        long[] eventTimes = new long[n];
        long[] windowStarts = new long[n];
        double[] values = new double[n];
        double[] thresholds = new double[n];
        String[] kinds = new String[n];
        String[] causes = new String[n];
        // One RAISED and one CLEARED per episode; a replayed duplicate inside one batch is offered only once, because
        // an upsert may not touch the same row twice in one statement.
        Map<String, AlertEvent> raised = new LinkedHashMap<>();
        Map<String, AlertEvent> cleared = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            AlertEvent event = events.get(i);
            ids[i] = event.getAlertId();
            states[i] = event.getState().name();
            eventTimes[i] = event.getEventTime().toEpochMilli();
            windowStarts[i] = event.getWindowStart().toEpochMilli();
            values[i] = event.getValue();
            thresholds[i] = event.getThreshold();
            kinds[i] = event.getRuleKind().name();
            causes[i] = event.getCause();
            Map<String, AlertEvent> target = event.getState() == AlertState.RAISED ? raised : cleared;
            target.putIfAbsent(event.getAlertId(), event);
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ALERT_EVENTS)) {
            statement.setArray(1, array(connection, "text", ids));
            statement.setArray(2, array(connection, "text", states));
            statement.setArray(3, array(connection, "int8", eventTimes));
            statement.setArray(4, array(connection, "int8", windowStarts));
            statement.setArray(5, array(connection, "float8", values));
            statement.setArray(6, array(connection, "float8", thresholds));
            statement.setArray(7, array(connection, "text", kinds));
            statement.setArray(8, array(connection, "text", causes));
            result.add(WriteResult.ALERT_EVENTS, update(statement, "telemetry.alert_events"), n);
        }
        // RAISED rows go in before CLEARED updates, so a CLEARED whose RAISED is in the same batch finds its row.
        if (!raised.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(INSERT_RAISED)) {
                int next = bindAlertIdentity(connection, statement, List.copyOf(raised.values()));
                statement.setArray(next, column(connection, raised.values(), AlertEvent::getValue));
                statement.setArray(next + 1, column(connection, raised.values(), AlertEvent::getThreshold));
                result.add(WriteResult.ALERTS_RAISED, update(statement, "telemetry.alerts"), raised.size());
            }
        }
        if (!cleared.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(APPLY_CLEARED)) {
                List<AlertEvent> list = List.copyOf(cleared.values());
                int next = bindAlertIdentity(connection, statement, list);
                long[] clearedAt = new long[list.size()];
                String[] clearCauses = new String[list.size()];
                for (int i = 0; i < clearedAt.length; i++) {
                    clearedAt[i] = list.get(i).getEventTime().toEpochMilli();
                    clearCauses[i] = list.get(i).getCause();
                }
                statement.setArray(next, array(connection, "int8", clearedAt));
                statement.setArray(next + 1, column(connection, list, AlertEvent::getValue));
                statement.setArray(next + 2, column(connection, list, AlertEvent::getThreshold));
                statement.setArray(next + 3, array(connection, "text", clearCauses));
                result.add(WriteResult.ALERTS_CLEARED, update(statement, "telemetry.alerts"), list.size());
            }
        }
    }

    /** Binds the eleven identity columns shared by RAISED and CLEARED; returns the next parameter index. */
    private static int bindAlertIdentity(Connection connection, PreparedStatement statement, List<AlertEvent> events)
            throws SQLException {
        int n = events.size();
        String[][] text = new String[9][n];
        int[] sizes = new int[n];
        long[] raisedAt = new long[n];
        for (int i = 0; i < n; i++) {
            AlertEvent event = events.get(i);
            text[0][i] = event.getAlertId();
            text[1][i] = event.getDeviceId();
            text[2][i] = event.getDeviceType();
            text[3][i] = event.getRuleId();
            text[4][i] = event.getRuleName();
            text[5][i] = event.getSeverity().name();
            text[6][i] = event.getMetric();
            text[7][i] = event.getAggregation().name();
            text[8][i] = event.getRuleKind().name();
            sizes[i] = (int) (event.getWindowSizeMillis() / 1000);
            raisedAt[i] = event.getRaisedAt().toEpochMilli();
        }
        for (int c = 0; c < text.length; c++) {
            statement.setArray(c + 1, array(connection, "text", text[c]));
        }
        statement.setArray(10, array(connection, "int4", sizes));
        statement.setArray(11, array(connection, "int8", raisedAt));
        return 12;
    }

    private static Array column(
            Connection connection,
            java.util.Collection<AlertEvent> events,
            java.util.function.ToDoubleFunction<AlertEvent> field)
            throws SQLException {
        double[] values = events.stream().mapToDouble(field).toArray();
        return array(connection, "float8", values);
    }

    /** PostgreSQL's driver takes primitive arrays directly, avoiding a boxed copy of every column. */
    private static Array array(Connection connection, String type, Object values) throws SQLException {
        return connection.unwrap(PGConnection.class).createArrayOf(type, values);
    }

    private static long[] longs(List<Long> boxed) {
        long[] values = new long[boxed.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = boxed.get(i);
        }
        return values;
    }

    private String toJson(Map<String, String> attributes) {
        try {
            return json.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise attributes as JSON", e);
        }
    }

    /** A statement failed; carries the table it wrote, with the driver's SQLSTATE and message unchanged. */
    private static final class TableWriteException extends SQLException {

        private final String table;

        TableWriteException(String table, SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
            this.table = table;
        }
    }
}
