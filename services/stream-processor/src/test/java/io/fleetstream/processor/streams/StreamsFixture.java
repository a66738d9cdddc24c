package io.fleetstream.processor.streams;

import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleScope;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Drives the production topology ({@link TelemetryTopology#build}) with a TopologyTestDriver: typed input and output
 * topics, fixture builders with explicit timestamps, and access to stores and meters.
 */
final class StreamsFixture implements AutoCloseable {

    /** Wall clock at start; event times in the tests are hours before it unless a test says otherwise. */
    static final Instant WALL_CLOCK = Instant.parse("2024-03-01T12:00:00Z");

    static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    static final Duration ONE_HOUR = Duration.ofHours(1);

    static final ProcessorSettings SETTINGS = new ProcessorSettings(
            List.of(ONE_MINUTE, ONE_HOUR),
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofHours(1),
            Duration.ofHours(24));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, TelemetryReading> raw;
    final TestInputTopic<byte[], byte[]> rawBytes;
    final TestInputTopic<String, Device> devices;
    final TestInputTopic<byte[], byte[]> deviceBytes;
    final TestInputTopic<String, AlertRule> rules;
    final TestInputTopic<String, byte[]> ruleBytes;
    final TestOutputTopic<String, EnrichedReading> enriched;
    final TestOutputTopic<String, MetricWindowAggregate> minuteAggregates;
    final TestOutputTopic<String, MetricWindowAggregate> hourAggregates;
    final TestOutputTopic<String, AlertEvent> alerts;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    StreamsFixture(Path stateDir) {
        this(stateDir, SETTINGS, WALL_CLOCK);
    }

    StreamsFixture(Path stateDir, ProcessorSettings settings, Instant wallClock) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-stream-processor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(
                TelemetryTopology.build(settings, new ProcessorMetrics(registry)), props, wallClock);
        StringSerializer keys = new StringSerializer();
        raw = driver.createInputTopic(Topics.TELEMETRY_RAW, keys, AvroSerde.of(TelemetryReading.class));
        rawBytes = driver.createInputTopic(Topics.TELEMETRY_RAW, new ByteArraySerializer(), new ByteArraySerializer());
        devices = driver.createInputTopic(Topics.REGISTRY_DEVICES, keys, AvroSerde.of(Device.class));
        deviceBytes =
                driver.createInputTopic(Topics.REGISTRY_DEVICES, new ByteArraySerializer(), new ByteArraySerializer());
        rules = driver.createInputTopic(Topics.REGISTRY_ALERT_RULES, keys, AvroSerde.of(AlertRule.class));
        ruleBytes = driver.createInputTopic(Topics.REGISTRY_ALERT_RULES, keys, new ByteArraySerializer());
        StringDeserializer keyReader = new StringDeserializer();
        enriched = driver.createOutputTopic(Topics.TELEMETRY_ENRICHED, keyReader, AvroSerde.of(EnrichedReading.class));
        minuteAggregates = driver.createOutputTopic(
                Topics.aggregates(ONE_MINUTE), keyReader, AvroSerde.of(MetricWindowAggregate.class));
        hourAggregates = driver.createOutputTopic(
                Topics.aggregates(ONE_HOUR), keyReader, AvroSerde.of(MetricWindowAggregate.class));
        alerts = driver.createOutputTopic(Topics.ALERTS, keyReader, AvroSerde.of(AlertEvent.class));
        deadLetters = driver.createOutputTopic(
                Topics.DEAD_LETTER_STREAMS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static Instant at(String time) {
        return Instant.parse("2024-03-01T" + time + "Z");
    }

    static Device device(String deviceId, String type, Map<String, String> labels) {
        return Device.newBuilder()
                .setDeviceId(deviceId)
                .setName("Device " + deviceId)
                .setType(type)
                .setLabels(labels)
                .setState(DeviceState.ACTIVE)
                .setCreatedAt(Instant.parse("2024-02-01T00:00:00Z"))
                .setUpdatedAt(Instant.parse("2024-02-01T00:00:00Z"))
                .build();
    }

    static TelemetryReading reading(String deviceId, Instant ts, Map<String, Double> metrics) {
        return TelemetryReading.newBuilder()
                .setDeviceId(deviceId)
                .setTs(ts)
                .setReceivedAt(ts.plusMillis(250))
                .setMessageId(null)
                .setMetrics(metrics)
                .setAttributes(Map.of())
                .build();
    }

    static AlertRule.Builder rule(String ruleId, String metric, Duration window, ThresholdDirection direction) {
        return AlertRule.newBuilder()
                .setRuleId(ruleId)
                .setName("rule " + ruleId)
                .setScope(RuleScope.newBuilder()
                        .setDeviceId(null)
                        .setDeviceType(null)
                        .setLabels(Map.of())
                        .build())
                .setMetric(metric)
                .setAggregation(Aggregation.AVG)
                .setWindowSizeMillis(window.toMillis())
                .setDirection(direction)
                .setRaiseThreshold(30)
                .setClearThreshold(25)
                .setConsecutiveWindows(1)
                .setSeverity(Severity.WARNING)
                .setEnabled(true)
                .setUpdatedAt(Instant.parse("2024-02-01T00:00:00Z"));
    }

    void register(Device device) {
        devices.pipeInput(device.getDeviceId(), device, Instant.parse("2024-03-01T11:59:00Z"));
    }

    void send(TelemetryReading reading) {
        raw.pipeInput(reading.getDeviceId(), reading, reading.getTs());
    }

    /** One reading of one metric. */
    void send(String deviceId, String time, String metric, double value) {
        send(reading(deviceId, at(time), Map.of(metric, value)));
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Sum of the counters of {@code name} carrying the given tags (name, value, name, value, ...). */
    double counter(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    @Override
    public void close() {
        driver.close();
    }
}
