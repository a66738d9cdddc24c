package io.fleetstream.processor.streams;

import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.HashMap;

/** Joins a reading with its device record and hands it to the enriched sink and the aggregator. */
final class Enrichment {

    private final ProcessorContext<Object, Object> context;
    private final ProcessorMetrics metrics;

    Enrichment(ProcessorContext<Object, Object> context, ProcessorMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    static EnrichedReading enrich(TelemetryReading reading, Device device) {
        return EnrichedReading.newBuilder()
                .setDeviceId(reading.getDeviceId())
                .setTs(reading.getTs())
                .setReceivedAt(reading.getReceivedAt())
                .setMessageId(reading.getMessageId())
                .setMetrics(new HashMap<>(reading.getMetrics()))
                .setAttributes(new HashMap<>(reading.getAttributes()))
                .setDeviceName(device.getName())
                .setDeviceType(device.getType())
                .setLabels(new HashMap<>(device.getLabels()))
                .build();
    }

    /** Publishes the enriched reading keyed by device id, with the reading's timestamp as record timestamp. */
    void forward(TelemetryReading reading, Device device) {
        EnrichedReading enriched = enrich(reading, device);
        Record<Object, Object> record =
                new Record<>(reading.getDeviceId(), enriched, reading.getTs().toEpochMilli());
        context.forward(record, TelemetryTopology.ENRICHED_SINK);
        context.forward(record, TelemetryTopology.AGGREGATOR);
        metrics.enriched();
    }
}
