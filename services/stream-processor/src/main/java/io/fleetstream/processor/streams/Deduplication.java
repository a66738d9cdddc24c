package io.fleetstream.processor.streams;

import io.fleetstream.processor.streams.ProcessorMetrics.DuplicateKind;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers what a task has already accepted, so that a retried reading is never counted twice: a reading whose
 * (deviceId, messageId) was seen is dropped whole, and of the rest only the metric values whose (deviceId, metric, ts)
 * were not seen go on. Both memories are window stores keyed by the reading ts, so Kafka Streams drops entries older
 * than the retention behind the newest ts the task has stored (see {@link ProcessorSettings#dedupRetention()}).
 */
final class Deduplication {

    private static final Logger LOG = Logger.getLogger(Deduplication.class);

    private final WindowStore<String, Long> messageIds;
    private final WindowStore<String, Long> values;
    private final ProcessorMetrics metrics;

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
        Map<String, Double> fresh = new LinkedHashMap<>();
        for (Map.Entry<String, Double> metric : reading.getMetrics().entrySet()) {
            String key = deviceId + '\n' + metric.getKey();
            try (WindowStoreIterator<Long> seen = values.fetch(key, ts, ts)) {
                if (seen.hasNext()) {
                    continue;
                }
            }
            values.put(key, ts, ts);
            fresh.put(metric.getKey(), metric.getValue());
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
}
