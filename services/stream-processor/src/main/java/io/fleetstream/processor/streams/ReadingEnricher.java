package io.fleetstream.processor.streams;

import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * First stage for raw readings: decodes the bytes, checks them, and either enriches the reading with its device record
 * or parks it until that record arrives. Anything it cannot use goes to the dead-letter topic with its original bytes.
 * A wall-clock punctuator dead-letters readings that waited longer than the pending timeout.
 */
final class ReadingEnricher implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = Logger.getLogger(ReadingEnricher.class);

    private final AvroSerde<TelemetryReading> readings = AvroSerde.of(TelemetryReading.class);
    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;
    private final RejectedRules rejectedRules;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Device> devices;
    private PendingReadings pending;
    private DeadLetters deadLetters;
    private Enrichment enrichment;
    private TaskId task;
    private KeyValueStore<String, Long> ruleDeadLetters;

    ReadingEnricher(ProcessorSettings settings, ProcessorMetrics metrics, RejectedRules rejectedRules) {
        this.settings = settings;
        this.metrics = metrics;
        this.rejectedRules = rejectedRules;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.task = context.taskId();
        this.devices = context.getStateStore(StoreNames.DEVICES);
        KeyValueStore<Bytes, byte[]> pendingStore = context.getStateStore(StoreNames.PENDING_READINGS);
        this.pending = new PendingReadings(pendingStore, metrics.pendingReadings(task));
        this.pending.recount();
        this.deadLetters = new DeadLetters(context, metrics);
        this.enrichment = new Enrichment(context, metrics, settings.dedupRetention());
        this.ruleDeadLetters = context.getStateStore(StoreNames.RULE_DEAD_LETTERS);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            expirePending(now);
            deadLetterRejectedRules();
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String key = RecordKeys.text(record.key());
        if (record.value() == null) {
            refuse(record, source, DeadLetterReason.INVALID_READING, "reading record has no value (tombstone)", null);
            return;
        }
        TelemetryReading reading;
        try {
            reading = readings.decode(record.value());
        } catch (SerializationException e) {
            refuse(record, source, DeadLetterReason.UNDECODABLE, e.getMessage(), e);
            return;
        }
        if (key == null || !key.equals(reading.getDeviceId())) {
            refuse(
                    record,
                    source,
                    DeadLetterReason.KEY_MISMATCH,
                    "record key must be the device id [" + reading.getDeviceId() + "] of the reading",
                    null);
            return;
        }
        String invalid = invalidValue(reading.getMetrics());
        if (invalid != null) {
            refuse(record, source, DeadLetterReason.INVALID_READING, invalid, null);
            return;
        }
        Device device = devices.get(key);
        if (device == null) {
            pending.park(
                    key,
                    new PendingReading(
                            context.currentSystemTimeMs(),
                            source.topic(),
                            source.partition(),
                            source.offset(),
                            record.key(),
                            record.value()));
            LOG.debugf(
                    "parked reading of unknown device [%s] from %s partition %d offset %d",
                    key, source.topic(), source.partition(), source.offset());
            return;
        }
        enrichment.forward(reading, device);
    }

    private void expirePending(long now) {
        for (PendingReading reading :
                pending.expire(now - settings.pendingTimeout().toMillis())) {
            String deviceId = RecordKeys.text(reading.key());
            deadLetters.send(
                    reading.key(),
                    reading.value(),
                    null,
                    DeadLetterReason.UNKNOWN_DEVICE,
                    "unknown device: no record for device [" + deviceId + "] arrived on " + Topics.REGISTRY_DEVICES
                            + " within " + settings.pendingTimeout(),
                    reading.topic(),
                    reading.partition(),
                    reading.offset(),
                    null);
        }
    }

    /**
     * Writes the rule records the global rule processor refused to the dead-letter topic. One task does it, the one of
     * partition 0, so that every instance does not write its own copy.
     */
    private void deadLetterRejectedRules() {
        if (task.partition() != 0) {
            return;
        }
        for (RejectedRules.Rejected rule : rejectedRules.waiting()) {
            if (ruleDeadLetters.get(rule.id()) == null) {
                deadLetters.send(
                        rule.key(),
                        rule.value(),
                        null,
                        rule.reason(),
                        rule.detail(),
                        rule.topic(),
                        rule.partition(),
                        rule.offset(),
                        null);
                ruleDeadLetters.put(rule.id(), context.currentSystemTimeMs());
            }
            rejectedRules.done(rule);
        }
    }

    private void refuse(
            Record<byte[], byte[]> record,
            RecordMetadata source,
            DeadLetterReason reason,
            String detail,
            Throwable error) {
        deadLetters.send(record, source, reason, detail, error);
    }

    private static String invalidValue(Map<String, Double> metrics) {
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            Double value = metric.getValue();
            if (value == null || !Double.isFinite(value)) {
                return "metric [" + metric.getKey() + "] has value " + value
                        + "; only finite numbers can be aggregated";
            }
        }
        return null;
    }

    @Override
    public void close() {
        metrics.taskClosed(task);
    }
}
