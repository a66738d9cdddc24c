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
import io.fleetstream.schema.RuleKind;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service against a real broker, read with read_committed: historical readings come back enriched,
 * aggregated (the last windows closed by the idle rule) and alerted; live readings have their window closed on the
 * wall clock without newer data, and an inactivity rule raises and clears. The two tests use their own devices.
 */
@QuarkusTest
@TestProfile(StreamProcessorServiceTest.FastWindows.class)
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class StreamProcessorServiceTest {

    private static final Instant BASE = Instant.parse("2024-03-01T09:00:00Z");
    private static final String DEVICE = "it-thermostat-1";
    private static final String LIVE_DEVICE = "it-live-pump-1";
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void enrichesAggregatesAndAlertsEndToEnd() throws Exception {
        awaitReady();

        try (BrokerClient broker = new BrokerClient(bootstrapServers)) {
            double rulesBefore = rulesInStore();
            broker.send(
                    Topics.REGISTRY_ALERT_RULES,
                    "it-hot",
                    AvroSerde.of(AlertRule.class).encode(rule()),
                    BASE);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(rulesInStore()).isEqualTo(rulesBefore + 1));

            broker.send(
                    Topics.REGISTRY_DEVICES, DEVICE, AvroSerde.of(Device.class).encode(device()), BASE);
            double[][] minutes = {{20, 22}, {34, 36}, {24, 24}};
            for (int minute = 0; minute < minutes.length; minute++) {
                for (int i = 0; i < minutes[minute].length; i++) {
                    Instant ts = BASE.plusSeconds(60L * minute + 10L + 20L * i);
                    broker.send(Topics.TELEMETRY_RAW, DEVICE, reading(DEVICE, ts, minutes[minute][i]), ts);
                }
            }
            broker.send(
                    Topics.TELEMETRY_RAW,
                    DEVICE,
                    "not a reading".getBytes(StandardCharsets.UTF_8),
                    BASE.plusSeconds(5));

            List<ConsumerRecord<String, byte[]>> enriched = readOf(broker, Topics.TELEMETRY_ENRICHED, DEVICE, 6);
            assertThat(enriched).allSatisfy(record -> {
                EnrichedReading reading = AvroSerde.of(EnrichedReading.class).decode(record.value());
                assertThat(reading.getDeviceType()).isEqualTo("thermostat");
                assertThat(reading.getLabels()).isEqualTo(Map.of("site", "lab"));
                assertThat(record.timestamp()).isEqualTo(reading.getTs().toEpochMilli());
            });

            List<MetricWindowAggregate> minuteWindows =
                    readOf(broker, Topics.aggregates(Duration.ofMinutes(1)), DEVICE, 3).stream()
                            .map(record ->
                                    AvroSerde.of(MetricWindowAggregate.class).decode(record.value()))
                            .toList();
            assertThat(minuteWindows)
                    .extracting(window -> window.getWindowStart() + " " + window.getCount() + " " + window.getAvg())
                    .containsExactly(
                            BASE + " 2 21.0", BASE.plusSeconds(60) + " 2 35.0", BASE.plusSeconds(120) + " 2 24.0");
            MetricWindowAggregate hour = AvroSerde.of(MetricWindowAggregate.class)
                    .decode(readOf(broker, Topics.aggregates(Duration.ofHours(1)), DEVICE, 1)
                            .get(0)
                            .value());
            assertThat(hour.getCount()).isEqualTo(6);
            assertThat(hour.getMin()).isEqualTo(20.0);
            assertThat(hour.getMax()).isEqualTo(36.0);
            assertThat(hour.getSum()).isEqualTo(160.0);

            List<AlertEvent> alerts = alertsOf(broker, DEVICE, 2);
            assertThat(alerts).extracting(AlertEvent::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
            assertThat(alerts.get(0).getRaisedAt()).isEqualTo(BASE.plusSeconds(120));
            assertThat(alerts.get(1).getAlertId()).isEqualTo(alerts.get(0).getAlertId());

            ConsumerRecord<String, byte[]> dead =
                    readOf(broker, Topics.DEAD_LETTER_STREAMS, DEVICE, 1).get(0);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not a reading");
            assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo(Topics.TELEMETRY_RAW);
        }
        assertThat(BrokerClient.metric("fleetstream_streams_dead_letters_total", "reason=\"undecodable\""))
                .isEqualTo(1.0);
    }

    @Test
    void closesTheWindowOfASilentDeviceOnTheWallClockAndRaisesAndClearsInactivity() throws Exception {
        awaitReady();

        try (BrokerClient broker = new BrokerClient(bootstrapServers)) {
            double rulesBefore = rulesInStore();
            AvroSerde<AlertRule> rules = AvroSerde.of(AlertRule.class);
            broker.send(Topics.REGISTRY_ALERT_RULES, "live-hot", rules.encode(liveHotRule()), Instant.now());
            broker.send(Topics.REGISTRY_ALERT_RULES, "live-silent", rules.encode(liveSilentRule()), Instant.now());
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(rulesInStore()).isEqualTo(rulesBefore + 2));
            broker.send(
                    Topics.REGISTRY_DEVICES,
                    LIVE_DEVICE,
                    AvroSerde.of(Device.class).encode(liveDevice()),
                    Instant.now());

            Instant first = Instant.now();
            broker.send(Topics.TELEMETRY_RAW, LIVE_DEVICE, reading(LIVE_DEVICE, first, 40.0), first);
            Instant second = first.plusMillis(300);
            broker.send(Topics.TELEMETRY_RAW, LIVE_DEVICE, reading(LIVE_DEVICE, second, 42.0), second);

            // Nothing newer arrives: the window closes on the wall clock alone, once its end + 1 s grace has passed.
            MetricWindowAggregate window = AvroSerde.of(MetricWindowAggregate.class)
                    .decode(readOf(broker, Topics.aggregates(TEN_SECONDS), LIVE_DEVICE, 1)
                            .get(0)
                            .value());
            Instant seenAt = Instant.now();
            long windowEnd = Math.floorDiv(first.toEpochMilli(), 10_000L) * 10_000L + 10_000L;
            assertThat(window.getWindowEnd().toEpochMilli()).isEqualTo(windowEnd);
            assertThat(window.getRevision()).isZero();
            assertThat(seenAt).isAfterOrEqualTo(Instant.ofEpochMilli(windowEnd + 1_000L));

            List<AlertEvent> raised = alertsOf(broker, LIVE_DEVICE, 2);
            assertThat(raised)
                    .extracting(event -> event.getRuleKind() + " " + event.getState())
                    .containsExactlyInAnyOrder("THRESHOLD RAISED", "INACTIVITY RAISED");

            Instant resumed = Instant.now();
            broker.send(Topics.TELEMETRY_RAW, LIVE_DEVICE, reading(LIVE_DEVICE, resumed, 20.0), resumed);
            // Later events (the threshold episode clearing, a new silence) may follow; only this one matters here.
            List<AlertEvent> clearedInactivity = broker
                    .readUntil(
                            Topics.ALERTS,
                            record -> {
                                AlertEvent event =
                                        AvroSerde.of(AlertEvent.class).decode(record.value());
                                return LIVE_DEVICE.equals(record.key())
                                        && event.getRuleKind() == RuleKind.INACTIVITY
                                        && event.getState() == AlertState.CLEARED;
                            },
                            1,
                            Duration.ofSeconds(60))
                    .stream()
                    .map(record -> AvroSerde.of(AlertEvent.class).decode(record.value()))
                    .toList();
            assertThat(clearedInactivity).hasSize(1);
            AlertEvent cleared = clearedInactivity.get(0);
            assertThat(cleared.getCause()).isNull();
            assertThat(cleared.getEventTime()).isAfterOrEqualTo(resumed.truncatedTo(ChronoUnit.MILLIS));
            assertThat(cleared.getAlertId())
                    .isEqualTo(raised.stream()
                            .filter(event -> event.getRuleKind() == RuleKind.INACTIVITY)
                            .findFirst()
                            .orElseThrow()
                            .getAlertId());
        }
        assertThat(BrokerClient.metric(
                        "fleetstream_streams_alert_transitions_total", "kind=\"INACTIVITY\",state=\"RAISED\""))
                .isEqualTo(1.0);
    }

    private static void awaitReady() {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    private static double rulesInStore() {
        return BrokerClient.metric("fleetstream_streams_rules", "");
    }

    /** The records of one device on a topic, once there are {@code count} of them. */
    private static List<ConsumerRecord<String, byte[]>> readOf(
            BrokerClient broker, String topic, String deviceId, int count) {
        List<ConsumerRecord<String, byte[]>> records =
                broker.readUntil(topic, record -> deviceId.equals(record.key()), count, Duration.ofSeconds(60));
        assertThat(records).as("records of " + deviceId + " on " + topic).hasSize(count);
        return records;
    }

    private static List<AlertEvent> alertsOf(BrokerClient broker, String deviceId, int count) {
        return readOf(broker, Topics.ALERTS, deviceId, count).stream()
                .map(record -> AvroSerde.of(AlertEvent.class).decode(record.value()))
                .toList();
    }

    private static AlertRule rule() {
        return rule("it-hot", null, "thermostat", Map.of("site", "lab"))
                .setName("too hot")
                .setWindowSizeMillis(Duration.ofMinutes(1).toMillis())
                .setSeverity(Severity.CRITICAL)
                .setUpdatedAt(BASE)
                .build();
    }

    private static AlertRule liveHotRule() {
        return rule("live-hot", LIVE_DEVICE, null, Map.of())
                .setWindowSizeMillis(TEN_SECONDS.toMillis())
                .build();
    }

    private static AlertRule liveSilentRule() {
        return rule("live-silent", LIVE_DEVICE, null, Map.of())
                .setKind(RuleKind.INACTIVITY)
                .setMetric("*")
                .setAggregation(Aggregation.RAW)
                .setWindowSizeMillis(0)
                .setInactivityTimeoutMillis(3_000L)
                .build();
    }

    /**
     * A THRESHOLD rule on the average temperature, ABOVE 30, cleared below 25. Every field is set: defaults are
     * built by Avro with the application's class loader, which differs from the test's under Quarkus.
     */
    private static AlertRule.Builder rule(
            String ruleId, String deviceId, String deviceType, Map<String, String> labels) {
        return AlertRule.newBuilder()
                .setRuleId(ruleId)
                .setName(ruleId)
                .setScope(RuleScope.newBuilder()
                        .setDeviceId(deviceId)
                        .setDeviceType(deviceType)
                        .setLabels(labels)
                        .build())
                .setMetric("temp")
                .setAggregation(Aggregation.AVG)
                .setWindowSizeMillis(Duration.ofMinutes(1).toMillis())
                .setDirection(ThresholdDirection.ABOVE)
                .setRaiseThreshold(30)
                .setClearThreshold(25)
                .setConsecutiveWindows(1)
                .setSeverity(Severity.WARNING)
                .setEnabled(true)
                .setKind(RuleKind.THRESHOLD)
                .setInactivityTimeoutMillis(null)
                .setUpdatedAt(BASE);
    }

    private static Device device() {
        return device(DEVICE, "Lab thermostat", "thermostat", Map.of("site", "lab"));
    }

    private static Device liveDevice() {
        return device(LIVE_DEVICE, "Live pump", "pump", Map.of());
    }

    private static Device device(String deviceId, String name, String type, Map<String, String> labels) {
        return Device.newBuilder()
                .setDeviceId(deviceId)
                .setName(name)
                .setType(type)
                .setLabels(labels)
                .setState(DeviceState.ACTIVE)
                .setCreatedAt(BASE)
                .setUpdatedAt(BASE)
                .build();
    }

    private static byte[] reading(String deviceId, Instant ts, double temp) {
        return AvroSerde.of(TelemetryReading.class)
                .encode(TelemetryReading.newBuilder()
                        .setDeviceId(deviceId)
                        .setTs(ts)
                        .setReceivedAt(ts)
                        .setMessageId(null)
                        .setMetrics(Map.of("temp", temp))
                        .setAttributes(Map.of())
                        .build());
    }

    /** Two partitions, 10 s windows with 1 s grace and a short idle close, so that windows close within seconds. */
    public static class FastWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "fleetstream.streams.state-dir",
                        Files.createTempDirectory("stream-processor-state").toString(),
                        "fleetstream.kafka.partitions",
                        "2",
                        "fleetstream.aggregation.window-sizes",
                        "10s,1m,1h",
                        "fleetstream.aggregation.grace",
                        "1s",
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
