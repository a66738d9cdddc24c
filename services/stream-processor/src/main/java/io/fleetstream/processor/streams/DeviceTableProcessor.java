package io.fleetstream.processor.streams;

import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Keeps the task's device table from the device changelog, and releases, in their original order, the readings that
 * were waiting for a device as soon as its record arrives. A tombstone removes the device.
 */
final class DeviceTableProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = Logger.getLogger(DeviceTableProcessor.class);

    private final AvroSerde<Device> deviceSerde = AvroSerde.of(Device.class);
    private final AvroSerde<TelemetryReading> readingSerde = AvroSerde.of(TelemetryReading.class);
    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Device> devices;
    private PendingReadings pending;
    private DeadLetters deadLetters;
    private Enrichment enrichment;

    DeviceTableProcessor(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.devices = context.getStateStore(StoreNames.DEVICES);
        KeyValueStore<Bytes, byte[]> pendingStore = context.getStateStore(StoreNames.PENDING_READINGS);
        this.pending = new PendingReadings(pendingStore, metrics.pendingReadings(context.taskId()));
        this.deadLetters = new DeadLetters(context, metrics);
        this.enrichment = new Enrichment(context, metrics, settings.dedupRetention());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String key = RecordKeys.text(record.key());
        if (key == null) {
            refuse(record, source, DeadLetterReason.KEY_MISMATCH, "device record key must be the device id as UTF-8");
            return;
        }
        if (record.value() == null) {
            if (devices.delete(key) != null) {
                LOG.debugf("device [%s] deleted", key);
            }
            return;
        }
        Device device;
        try {
            device = deviceSerde.decode(record.value());
        } catch (SerializationException e) {
            deadLetters.send(record, source, DeadLetterReason.UNDECODABLE, e.getMessage(), e);
            return;
        }
        if (!key.equals(device.getDeviceId())) {
            refuse(
                    record,
                    source,
                    DeadLetterReason.KEY_MISMATCH,
                    "record key must be the device id [" + device.getDeviceId() + "] of the device record");
            return;
        }
        devices.put(key, device);
        List<PendingReading> released = pending.drain(key);
        if (!released.isEmpty()) {
            LOG.debugf("device [%s] arrived; releasing %d waiting readings", key, released.size());
        }
        for (PendingReading waiting : released) {
            // These bytes were decoded and checked before they were parked.
            enrichment.forward(readingSerde.decode(waiting.value()), device);
        }
    }

    private void refuse(Record<byte[], byte[]> record, RecordMetadata source, DeadLetterReason reason, String detail) {
        deadLetters.send(record, source, reason, detail, null);
    }
}
