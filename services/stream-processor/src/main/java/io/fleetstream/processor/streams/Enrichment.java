package io.fleetstream.processor.streams;

import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Duration;
import java.util.HashMap;

/**
 * Drops what was seen before, joins the rest of a reading with its device record and hands it to the enriched sink,
 * the aggregator and the alert engine.
 */
final class Enrichment {

    private final ProcessorContext<Object, Object> context;
    private final ProcessorMetrics metrics;
    private final Deduplication deduplication;

    Enrichment(ProcessorContext<Object, Object> context, ProcessorMetrics metrics, Duration dedupRetention) {
        this.context = context;
        this.metrics = metrics;
        this.deduplication = new Deduplication(context, metrics, dedupRetention);
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

    /**
     * Publishes the new part of the reading, enriched and keyed by device id, with the reading's timestamp as record
     * timestamp; a reading with nothing new is dropped.
     */
    void forward(TelemetryReading received, Device device) {
        TelemetryReading reading = deduplication.admit(received);
        if (reading == null) {
            return;
        }
        EnrichedReading enriched = enrich(reading, device);
        Record<Object, Object> record =
                new Record<>(reading.getDeviceId(), enriched, reading.getTs().toEpochMilli());
        context.forward(record, TelemetryTopology.ENRICHED_SINK);
        context.forward(record, TelemetryTopology.AGGREGATOR);
        context.forward(record, TelemetryTopology.ALERT_EVALUATOR);
        metrics.enriched();
    }
}
