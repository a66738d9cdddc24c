package io.fleetstream.sink.domain;

import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The decoded records of one poll, in the order they were consumed, split by kind. The sink writes a batch in one
 * database transaction; keeping consumption order matters because the first value stored for an identity wins.
 */
public final class SinkBatch {

    private final List<EnrichedReading> readings = new ArrayList<>();
    private final List<MetricWindowAggregate> aggregates = new ArrayList<>();
    private final List<AlertEvent> alertEvents = new ArrayList<>();

    public void add(EnrichedReading reading) {
        readings.add(reading);
    }

    public void add(MetricWindowAggregate aggregate) {
        aggregates.add(aggregate);
    }

    public void add(AlertEvent event) {
        alertEvents.add(event);
    }

    public List<EnrichedReading> readings() {
        return readings;
    }

    public List<MetricWindowAggregate> aggregates() {
        return aggregates;
    }

    public List<AlertEvent> alertEvents() {
        return alertEvents;
    }

    public boolean isEmpty() {
        return readings.isEmpty() && aggregates.isEmpty() && alertEvents.isEmpty();
    }

    /** Number of metric values across all readings, i.e. the rows this batch offers to the readings table. */
    public int metricCount() {
        int count = 0;
        for (EnrichedReading reading : readings) {
            count += reading.getMetrics().size();
        }
        return count;
    }

    /** The UTC months touched by the readings of this batch; each needs a readings partition. */
    public Set<YearMonth> readingMonths() {
        Set<YearMonth> months = new TreeSet<>();
        for (EnrichedReading reading : readings) {
            months.add(YearMonth.from(reading.getTs().atOffset(ZoneOffset.UTC)));
        }
        return months;
    }
}
