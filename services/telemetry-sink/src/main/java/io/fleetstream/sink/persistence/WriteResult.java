package io.fleetstream.sink.persistence;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows offered to and actually changed in each table by one batch; the difference is duplicates. A batch written record
 * by record also lists the records PostgreSQL refused.
 */
public final class WriteResult {

    public static final String READINGS = "readings";
    public static final String ATTRIBUTES = "reading_attributes";
    public static final String AGGREGATES = "window_aggregates";
    public static final String ALERT_EVENTS = "alert_events";
    /** Alert rows inserted by RAISED events. */
    public static final String ALERTS_RAISED = "alerts_raised";
    /** Alert rows closed (or, without their RAISED event, inserted) by CLEARED events. */
    public static final String ALERTS_CLEARED = "alerts_cleared";

    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final List<Refusal> refused = new ArrayList<>();

    /** Adds to the counts of a table; a batch written record by record adds once per record. */
    void add(String table, long written, long offered) {
        long[] count = counts.computeIfAbsent(table, key -> new long[2]);
        count[0] += written;
        count[1] += offered;
    }

    void refuse(int index, String reason, SQLException error) {
        refused.add(new Refusal(index, reason, error));
    }

    /** Records PostgreSQL refused as data, in the order offered; empty for a batch written in one piece. */
    public List<Refusal> refused() {
        return refused;
    }

    /** Table name to {written, offered}. */
    public Map<String, long[]> counts() {
        return counts;
    }

    public long written(String table) {
        long[] count = counts.get(table);
        return count == null ? 0 : count[0];
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        counts.forEach((table, count) -> text.append(text.isEmpty() ? "" : ", ")
                .append(table)
                .append(' ')
                .append(count[0])
                .append('/')
                .append(count[1]));
        if (!refused.isEmpty()) {
            text.append(text.isEmpty() ? "" : ", ").append(refused.size()).append(" refused");
        }
        return text.toString();
    }

    /**
     * A record PostgreSQL refused as data.
     *
     * @param index position of the record in the list given to {@link TelemetryWriter#writeEach}
     * @param reason table, column, SQLSTATE and PostgreSQL's message, fit for the dead-letter reason header
     * @param error what the driver threw
     */
    public record Refusal(int index, String reason, SQLException error) {}
}
