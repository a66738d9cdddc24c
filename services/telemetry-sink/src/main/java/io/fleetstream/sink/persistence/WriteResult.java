package io.fleetstream.sink.persistence;

import java.util.LinkedHashMap;
import java.util.Map;

/** Rows offered to and actually changed in each table by one batch; the difference is duplicates. */
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

    void add(String table, long written, long offered) {
        counts.put(table, new long[] {written, offered});
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
        return text.toString();
    }
}
