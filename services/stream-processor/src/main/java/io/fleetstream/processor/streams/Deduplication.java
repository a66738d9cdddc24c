package io.fleetstream.processor.streams;

import io.fleetstream.processor.streams.ProcessorMetrics.DuplicateKind;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Remembers what a task has already accepted, so that a retried reading is never counted twice: a reading whose
 * (deviceId, messageId) was seen is dropped whole, and of the rest only the metric values whose (deviceId, metric, ts)
 * were not seen go on. Both memories are window stores keyed by the reading ts, so Kafka Streams drops entries older
 * than the retention behind the newest ts the task has stored (see {@link ProcessorSettings#dedupRetention()}).
 *
 * <p>The metric values of one device at one ts are remembered as one entry holding their names, not one entry per
 * metric: a reading costs one store lookup and one write (and one changelog record) however many metrics it carries.
 * Metric names cannot contain a line feed, which separates them.
 */
final class Deduplication {

    private static final Logger LOG = Logger.getLogger(Deduplication.class);

    private final WindowStore<String, Long> messageIds;
    private final WindowStore<String, String> values;
    private final ProcessorMetrics metrics;

    private static final String NAME_SEPARATOR = "\n";

    Deduplication(ProcessorContext<?, ?> context, ProcessorMetrics metrics) {
        this.messageIds = context.getStateStore(StoreNames.SEEN_MESSAGE_IDS);
        this.values = context.getStateStore(StoreNames.SEEN_METRIC_VALUES);
        this.metrics = metrics;
    }

    /**
     * Records the reading as seen and returns it restricted to the metric values not seen before, or null when nothing
     * of it is new.
     */
    TelemetryReading admit(TelemetryReading reading) {
        String deviceId = reading.getDeviceId();
        long ts = reading.getTs().toEpochMilli();
        String messageId = reading.getMessageId();
        if (messageId != null) {
            String key = deviceId + '\n' + messageId;
            // Any ts: a retry of a reading sent without ts carries a different receipt time as its ts.
            try (WindowStoreIterator<Long> seen = messageIds.fetch(key, 0L, Long.MAX_VALUE)) {
                if (seen.hasNext()) {
                    metrics.duplicate(DuplicateKind.MESSAGE_ID, 1);
                    LOG.debugf("dropped reading of device [%s]: message id [%s] was seen before", deviceId, messageId);
                    return null;
                }
            }
            messageIds.put(key, ts, ts);
        }
        Set<String> seenNames = seenMetricNames(deviceId, ts);
        Map<String, Double> fresh = new LinkedHashMap<>();
        for (Map.Entry<String, Double> metric : reading.getMetrics().entrySet()) {
            if (!seenNames.contains(metric.getKey())) {
                fresh.put(metric.getKey(), metric.getValue());
            }
        }
        if (!fresh.isEmpty()) {
            Set<String> names = new TreeSet<>(seenNames);
            names.addAll(fresh.keySet());
            values.put(deviceId, String.join(NAME_SEPARATOR, names), ts);
        }
        int duplicates = reading.getMetrics().size() - fresh.size();
        if (duplicates > 0) {
            metrics.duplicate(DuplicateKind.METRIC_VALUE, duplicates);
            LOG.debugf(
                    "dropped %d metric values of device [%s] at %s seen before", duplicates, deviceId, reading.getTs());
        }
        if (fresh.isEmpty()) {
            return null;
        }
        if (duplicates == 0) {
            return reading;
        }
        return TelemetryReading.newBuilder(reading).setMetrics(fresh).build();
    }

    private Set<String> seenMetricNames(String deviceId, long ts) {
        try (WindowStoreIterator<String> seen = values.fetch(deviceId, ts, ts)) {
            if (!seen.hasNext()) {
                return Set.of();
            }
            return Set.of(seen.next().value.split(NAME_SEPARATOR));
        }
    }
}
