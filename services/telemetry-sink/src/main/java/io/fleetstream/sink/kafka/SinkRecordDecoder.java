package io.fleetstream.sink.kafka;

import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.Topics;
import io.fleetstream.sink.domain.InvalidRecordException;
import io.fleetstream.sink.domain.SinkBatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns consumed records into batch entries. A record that is not valid Avro of the topic's type throws
 * {@link org.apache.kafka.common.errors.SerializationException}; one that decodes but cannot be stored throws
 * {@link InvalidRecordException}. Either way the caller dead-letters it and keeps the rest of the batch.
 */
final class SinkRecordDecoder {

    /** Readings are stored in monthly partitions named with a four-digit year. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-01T00:00:00Z");

    private final AvroSerde<EnrichedReading> readings = AvroSerde.of(EnrichedReading.class);
    private final AvroSerde<MetricWindowAggregate> aggregates = AvroSerde.of(MetricWindowAggregate.class);
    private final AvroSerde<AlertEvent> alerts = AvroSerde.of(AlertEvent.class);
    private final Set<String> aggregateTopics;

    SinkRecordDecoder(List<Duration> windowSizes) {
        Set<String> topics = new LinkedHashSet<>();
        for (Duration size : windowSizes) {
            topics.add(Topics.aggregates(size));
        }
        this.aggregateTopics = Set.copyOf(topics);
    }

    /** The topics this decoder understands, which are the topics the sink subscribes to. */
    List<String> topics() {
        var topics = new java.util.ArrayList<String>();
        topics.add(Topics.TELEMETRY_ENRICHED);
        topics.addAll(aggregateTopics);
        topics.add(Topics.ALERTS);
        return List.copyOf(topics);
    }

    void decodeInto(ConsumerRecord<String, byte[]> record, SinkBatch batch) {
        if (record.value() == null) {
            throw new InvalidRecordException("tombstone (null value) on a topic that carries no deletes");
        }
        String topic = record.topic();
        if (Topics.TELEMETRY_ENRICHED.equals(topic)) {
            batch.add(check(readings.decode(record.value())));
        } else if (Topics.ALERTS.equals(topic)) {
            batch.add(alerts.decode(record.value()));
        } else if (aggregateTopics.contains(topic)) {
            batch.add(check(aggregates.decode(record.value())));
        } else {
            throw new InvalidRecordException("no decoder for topic " + topic);
        }
    }

    private static EnrichedReading check(EnrichedReading reading) {
        if (reading.getTs().isBefore(EARLIEST) || !reading.getTs().isBefore(LATEST)) {
            throw new InvalidRecordException("reading timestamp " + reading.getTs() + " is outside years 0001-9999");
        }
        if (reading.getMetrics().isEmpty()) {
            throw new InvalidRecordException("reading has no metrics");
        }
        return reading;
    }

    private static MetricWindowAggregate check(MetricWindowAggregate aggregate) {
        long size = aggregate.getWindowSizeMillis();
        if (size <= 0 || size % 1000 != 0 || size / 1000 > Integer.MAX_VALUE) {
            throw new InvalidRecordException("window size " + size + " ms is not a positive whole number of seconds");
        }
        return aggregate;
    }
}
