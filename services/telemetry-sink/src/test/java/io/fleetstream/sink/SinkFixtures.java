package io.fleetstream.sink;

import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Builds Avro records with explicit timestamps and sends them to the shared broker, waiting for each ack. */
final class SinkFixtures implements AutoCloseable {

    static final AvroSerde<EnrichedReading> READINGS = AvroSerde.of(EnrichedReading.class);
    static final AvroSerde<MetricWindowAggregate> AGGREGATES = AvroSerde.of(MetricWindowAggregate.class);
    static final AvroSerde<AlertEvent> ALERTS = AvroSerde.of(AlertEvent.class);

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    SharedInfra.kafka().bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.LINGER_MS_CONFIG,
                    5),
            new StringSerializer(),
            new ByteArraySerializer());

    static EnrichedReading reading(String deviceId, String ts, Map<String, Double> metrics) {
        return EnrichedReading.newBuilder()
                .setDeviceId(deviceId)
                .setTs(Instant.parse(ts))
                .setReceivedAt(Instant.parse(ts).plusMillis(250))
                .setMessageId(null)
                .setMetrics(metrics)
                .setAttributes(Map.of())
                .setDeviceName("name of " + deviceId)
                .setDeviceType("thermostat")
                .setLabels(Map.of())
                .build();
    }

    static MetricWindowAggregate aggregate(String deviceId, String metric, Duration size, String windowStart) {
        Instant start = Instant.parse(windowStart);
        return MetricWindowAggregate.newBuilder()
                .setDeviceId(deviceId)
                .setDeviceType("thermostat")
                .setMetric(metric)
                .setWindowSizeMillis(size.toMillis())
                .setWindowStart(start)
                .setWindowEnd(start.plus(size))
                .setCount(4)
                .setMin(1.0)
                .setMax(4.0)
                .setSum(10.0)
                .setAvg(2.5)
                .build();
    }

    /** A window aggregate of one revision with the given count and sum (min 1, max 4). */
    static MetricWindowAggregate aggregate(
            String deviceId, String metric, Duration size, String windowStart, int revision, long count, double sum) {
        MetricWindowAggregate aggregate = aggregate(deviceId, metric, size, windowStart);
        aggregate.setRevision(revision);
        aggregate.setCount(count);
        aggregate.setSum(sum);
        aggregate.setAvg(sum / count);
        return aggregate;
    }

    static AlertEvent alert(String alertId, AlertState state, String deviceId, String raisedAt, String eventTime) {
        boolean raised = state == AlertState.RAISED;
        return AlertEvent.newBuilder()
                .setAlertId(alertId)
                .setState(state)
                .setDeviceId(deviceId)
                .setDeviceType("thermostat")
                .setRuleId("rule-overheat")
                .setRuleName("overheating")
                .setSeverity(Severity.CRITICAL)
                .setMetric("temp")
                .setAggregation(Aggregation.AVG)
                .setWindowSizeMillis(60_000)
                .setWindowStart(Instant.parse(eventTime).minusSeconds(60))
                .setValue(raised ? 81.5 : 64.0)
                .setThreshold(raised ? 80.0 : 65.0)
                .setRaisedAt(Instant.parse(raisedAt))
                .setEventTime(Instant.parse(eventTime))
                // Set explicitly: the builder's enum default is resolved through Avro's class loader, which under
                // Quarkus tests is not the one that loaded RuleKind here.
                .setRuleKind(RuleKind.THRESHOLD)
                .setCause(null)
                .build();
    }

    RecordMetadata send(EnrichedReading reading) {
        return send(Topics.TELEMETRY_ENRICHED, reading.getDeviceId(), READINGS.encode(reading));
    }

    RecordMetadata send(MetricWindowAggregate aggregate) {
        return send(
                Topics.aggregates(Duration.ofMillis(aggregate.getWindowSizeMillis())),
                aggregate.getDeviceId(),
                AGGREGATES.encode(aggregate));
    }

    RecordMetadata send(AlertEvent event) {
        return send(Topics.ALERTS, event.getDeviceId(), ALERTS.encode(event));
    }

    /** Sends and waits for the acknowledgement, which tells where the record landed. */
    RecordMetadata send(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
