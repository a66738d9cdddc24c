package io.fleetstream.processor;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleScope;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service against a real broker: topics are created at startup, and a device, a rule and historical
 * readings produced with the Avro serde come back enriched, aggregated (the last windows closed by the idle rule) and
 * alerted, read with read_committed.
 */
@QuarkusTest
@TestProfile(StreamProcessorServiceTest.FastIdleClose.class)
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class StreamProcessorServiceTest {

    private static final Instant BASE = Instant.parse("2024-03-01T09:00:00Z");
    private static final String DEVICE = "it-thermostat-1";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void enrichesAggregatesAndAlertsEndToEnd() throws Exception {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(
                    producer,
                    Topics.REGISTRY_ALERT_RULES,
                    "it-hot",
                    AvroSerde.of(AlertRule.class).encode(rule()),
                    BASE);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(metric("fleetstream_streams_rules", "")).isEqualTo(1.0));

            send(
                    producer,
                    Topics.REGISTRY_DEVICES,
                    DEVICE,
                    AvroSerde.of(Device.class).encode(device()),
                    BASE);
            double[][] minutes = {{20, 22}, {34, 36}, {24, 24}};
            int sent = 0;
            for (int minute = 0; minute < minutes.length; minute++) {
                for (int i = 0; i < minutes[minute].length; i++) {
                    Instant ts = BASE.plusSeconds(60L * minute + 10L + 20L * i);
                    send(producer, Topics.TELEMETRY_RAW, DEVICE, encode(reading(ts, minutes[minute][i])), ts);
                    sent++;
                }
            }
            send(
                    producer,
                    Topics.TELEMETRY_RAW,
                    DEVICE,
                    "not a reading".getBytes(StandardCharsets.UTF_8),
                    BASE.plusSeconds(5));
            assertThat(sent).isEqualTo(6);
        }

        List<ConsumerRecord<String, byte[]>> enriched = readUntil(Topics.TELEMETRY_ENRICHED, 6);
        assertThat(enriched).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(DEVICE);
            EnrichedReading reading = AvroSerde.of(EnrichedReading.class).decode(record.value());
            assertThat(reading.getDeviceType()).isEqualTo("thermostat");
            assertThat(reading.getLabels()).isEqualTo(Map.of("site", "lab"));
            assertThat(record.timestamp()).isEqualTo(reading.getTs().toEpochMilli());
        });

        List<MetricWindowAggregate> minuteWindows = readUntil(Topics.aggregates(Duration.ofMinutes(1)), 3).stream()
                .map(record -> AvroSerde.of(MetricWindowAggregate.class).decode(record.value()))
                .toList();
        assertThat(minuteWindows)
                .extracting(window -> window.getWindowStart() + " " + window.getCount() + " " + window.getAvg())
                .containsExactly(BASE + " 2 21.0", BASE.plusSeconds(60) + " 2 35.0", BASE.plusSeconds(120) + " 2 24.0");
        MetricWindowAggregate hour = AvroSerde.of(MetricWindowAggregate.class)
                .decode(readUntil(Topics.aggregates(Duration.ofHours(1)), 1)
                        .get(0)
                        .value());
        assertThat(hour.getCount()).isEqualTo(6);
        assertThat(hour.getMin()).isEqualTo(20.0);
        assertThat(hour.getMax()).isEqualTo(36.0);
        assertThat(hour.getSum()).isEqualTo(160.0);

        List<AlertEvent> alerts = readUntil(Topics.ALERTS, 2).stream()
                .map(record -> AvroSerde.of(AlertEvent.class).decode(record.value()))
                .toList();
        assertThat(alerts).extracting(AlertEvent::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(alerts.get(0).getRaisedAt()).isEqualTo(BASE.plusSeconds(120));
        assertThat(alerts.get(1).getAlertId()).isEqualTo(alerts.get(0).getAlertId());

        ConsumerRecord<String, byte[]> dead =
                readUntil(Topics.DEAD_LETTER_STREAMS, 1).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not a reading");
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(Topics.TELEMETRY_RAW);
        assertThat(metric("fleetstream_streams_dead_letters_total", "reason=\"undecodable\""))
                .isEqualTo(1.0);
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value, Instant ts)
            throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(topic, null, ts.toEpochMilli(), key, value))
                .get(30, TimeUnit.SECONDS);
    }

    /** Reads the topic from the start with read_committed until it holds at least {@code count} records. */
    private List<ConsumerRecord<String, byte[]>> readUntil(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).as("records on " + topic).hasSize(count);
        return records;
    }

    /** The value of one Prometheus series from /q/metrics, selected by name and an optional label. */
    private static double metric(String name, String label) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .filter(line -> label.isEmpty() || line.contains(label))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private static AlertRule rule() {
        return AlertRule.newBuilder()
                .setRuleId("it-hot")
                .setName("too hot")
                .setScope(RuleScope.newBuilder()
                        .setDeviceId(null)
                        .setDeviceType("thermostat")
                        .setLabels(Map.of("site", "lab"))
                        .build())
                .setMetric("temp")
                .setAggregation(Aggregation.AVG)
                .setWindowSizeMillis(Duration.ofMinutes(1).toMillis())
                .setDirection(ThresholdDirection.ABOVE)
                .setRaiseThreshold(30)
                .setClearThreshold(25)
                .setConsecutiveWindows(1)
                .setSeverity(Severity.CRITICAL)
                .setEnabled(true)
                .setUpdatedAt(BASE)
                .build();
    }

    private static Device device() {
        return Device.newBuilder()
                .setDeviceId(DEVICE)
                .setName("Lab thermostat")
                .setType("thermostat")
                .setLabels(Map.of("site", "lab"))
                .setState(DeviceState.ACTIVE)
                .setCreatedAt(BASE)
                .setUpdatedAt(BASE)
                .build();
    }

    private static TelemetryReading reading(Instant ts, double temp) {
        return TelemetryReading.newBuilder()
                .setDeviceId(DEVICE)
                .setTs(ts)
                .setReceivedAt(ts)
                .setMetrics(Map.of("temp", temp))
                .build();
    }

    private static byte[] encode(TelemetryReading reading) {
        return AvroSerde.of(TelemetryReading.class).encode(reading);
    }

    /** Small partition count and a short idle close, so that the historical windows close within seconds. */
    public static class FastIdleClose implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "fleetstream.streams.state-dir",
                        Files.createTempDirectory("stream-processor-state").toString(),
                        "fleetstream.kafka.partitions",
                        "2",
                        "fleetstream.aggregation.idle-close-after",
                        "2s",
                        "fleetstream.aggregation.punctuate-interval",
                        "200ms");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
