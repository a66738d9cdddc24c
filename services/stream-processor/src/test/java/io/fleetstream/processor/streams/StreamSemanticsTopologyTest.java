package io.fleetstream.processor.streams;

import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fleetstream.processor.streams.StreamsFixture.ONE_MINUTE;
import static io.fleetstream.processor.streams.StreamsFixture.WALL_CLOCK;
import static io.fleetstream.processor.streams.StreamsFixture.at;
import static io.fleetstream.processor.streams.StreamsFixture.device;
import static io.fleetstream.processor.streams.StreamsFixture.reading;
import static io.fleetstream.processor.streams.StreamsFixture.rule;
import static org.assertj.core.api.Assertions.assertThat;

/** Duplicates, device clocks, deleted devices and poison pills, on the production topology. */
class StreamSemanticsTopologyTest {

    @TempDir
    Path stateDir;

    private StreamsFixture fixture;

    @BeforeEach
    void start() {
        fixture = new StreamsFixture(stateDir);
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
        fixture.register(device("dev-2", "thermostat", Map.of("site", "munich")));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void dropsAWholeReadingWhoseMessageIdWasSeenEvenWithAnotherTs() {
        fixture.send(withMessageId(reading("dev-1", at("09:00:10"), Map.of("temp", 1.0)), "m-1"));
        // A retry of a reading sent without ts gets the receipt time of the retry as its ts.
        fixture.send(withMessageId(reading("dev-1", at("09:00:40"), Map.of("temp", 2.0)), "m-1"));
        fixture.send(withMessageId(reading("dev-1", at("09:00:50"), Map.of("temp", 3.0)), "m-2"));
        fixture.advanceWallClock(Duration.ofSeconds(10));

        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getMessageId)
                .containsExactly("m-1", "m-2");
        MetricWindowAggregate window = fixture.minuteAggregates.readValue();
        assertThat(window.getCount()).isEqualTo(2);
        assertThat(window.getSum()).isEqualTo(4.0);
        assertThat(fixture.counter(ProcessorMetrics.DUPLICATES, "kind", "message-id"))
                .isEqualTo(1.0);
        KeyValueStore<Bytes, byte[]> seen = fixture.driver.getKeyValueStore(StoreNames.DEDUP_SEEN);
        assertThat(seen.get(Deduplication.messageIdKey("dev-1", "m-1"))).isNotNull();
        assertThat(seen.get(Deduplication.messageIdKey("dev-1", "m-3"))).isNull();
    }

    @Test
    void forgetsWhatFellBehindTheRetentionSoThatAnOldRetryIsForwardedAgain() {
        Instant first = at("09:00:10");
        Instant dayLater = at("11:00:00").plus(Duration.ofDays(1)); // 26 h later: past 24 h retention + 1.5 h bucket
        fixture.send(withMessageId(reading("dev-1", first, Map.of("temp", 1.0)), "m-1"));
        KeyValueStore<Bytes, byte[]> seen = fixture.driver.getKeyValueStore(StoreNames.DEDUP_SEEN);
        assertThat(seen.get(Deduplication.messageIdKey("dev-1", "m-1"))).isNotNull();
        assertThat(seenNames(seen, "dev-1", first)).containsExactly("temp");

        fixture.send(withMessageId(reading("dev-1", dayLater, Map.of("temp", 2.0)), "m-2"));

        assertThat(seen.get(Deduplication.messageIdKey("dev-1", "m-1"))).isNull();
        assertThat(seenNames(seen, "dev-1", first)).isEmpty();
        assertThat(seen.get(Deduplication.messageIdKey("dev-1", "m-2"))).isNotNull();
        assertThat(seenNames(seen, "dev-1", dayLater)).containsExactly("temp");
        assertThat(entries(seen))
                .as("m-2, its expiry entry and its metric names")
                .isEqualTo(3);

        fixture.send(withMessageId(reading("dev-1", first, Map.of("temp", 1.0)), "m-1"));
        fixture.send(withMessageId(reading("dev-1", first, Map.of("temp", 1.0)), "m-1"));
        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getMessageId)
                .as("a retry older than the retention is not recognised, and not remembered either")
                .containsExactly("m-1", "m-2", "m-1", "m-1");
        assertThat(entries(seen)).isEqualTo(3);
    }

    @Test
    void forwardsOnlyMetricValuesNotSeenBeforeAndTheFirstValueWins() {
        Instant ts = at("09:00:10");
        fixture.send(reading("dev-1", ts, Map.of("temp", 1.0, "rpm", 5.0)));
        fixture.send(reading("dev-1", ts, Map.of("temp", 9.0, "humidity", 3.0)));
        fixture.send(reading("dev-1", ts, Map.of("temp", 9.0)));
        fixture.advanceWallClock(Duration.ofSeconds(10));

        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getMetrics)
                .containsExactly(Map.of("temp", 1.0, "rpm", 5.0), Map.of("humidity", 3.0));
        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(window -> window.getMetric() + " " + window.getCount() + " " + window.getSum())
                .containsExactly("humidity 1 3.0", "rpm 1 5.0", "temp 1 1.0");
        assertThat(fixture.counter(ProcessorMetrics.DUPLICATES, "kind", "metric-value"))
                .isEqualTo(2.0);
        KeyValueStore<Bytes, byte[]> seen = fixture.driver.getKeyValueStore(StoreNames.DEDUP_SEEN);
        assertThat(seenNames(seen, "dev-1", ts)).containsExactlyInAnyOrder("temp", "rpm", "humidity");
    }

    @Test
    void closesTheWindowsOfASilentDeviceOnItsOwnClockWhileItsPartitionStaysBusy() {
        // Live data: event times near the wall clock of the test driver (12:00:00).
        fixture.send("dev-1", "12:00:10", "temp", 7.0);
        List<String> closedAt = new ArrayList<>();
        for (int step = 1; step <= 24; step++) {
            fixture.advanceWallClock(Duration.ofSeconds(5));
            Instant wall = WALL_CLOCK.plusSeconds(5L * step);
            fixture.send(reading("dev-2", wall, Map.of("temp", 1.0)));
            fixture.minuteAggregates.readValuesToList().stream()
                    .filter(window -> window.getDeviceId().equals("dev-1"))
                    .forEach(window -> closedAt.add(window.getWindowStart() + " at " + wall));
        }

        assertThat(closedAt)
                .as("dev-1's clock is 12:00:10 + wall time since; its window closes once that passes 12:01 + 1m grace")
                .containsExactly(at("12:00:00") + " at " + at("12:01:50"));
    }

    @Test
    void aDeviceClockRunningAheadDoesNotCloseTheWindowsOfItsNeighbours() {
        fixture.send("dev-1", "12:00:10", "temp", 1.0);
        fixture.send("dev-2", "12:05:00", "temp", 5.0);
        fixture.send("dev-2", "12:07:00", "temp", 5.0);
        fixture.send("dev-1", "12:00:50", "temp", 3.0);

        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(MetricWindowAggregate::getDeviceId)
                .containsExactly("dev-2");
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS)).isZero();

        fixture.advanceWallClock(Duration.ofSeconds(75));

        MetricWindowAggregate window = fixture.minuteAggregates.readValue();
        assertThat(window.getDeviceId()).isEqualTo("dev-1");
        assertThat(window.getCount()).isEqualTo(2);
        assertThat(window.getAvg()).isEqualTo(2.0);
    }

    @Test
    void aDeletedDeviceClearsItsOpenAlertsAndItsLaterReadingsWaitLikeThoseOfAnUnknownDevice() {
        fixture.rules.pipeInput(
                "hot", rule("hot", "temp", ONE_MINUTE, ThresholdDirection.ABOVE).build(), at("08:00:00"));
        fixture.send("dev-1", "09:00:10", "temp", 50.0);
        fixture.send("dev-1", "09:02:00", "temp", 50.0);
        AlertEvent raised = fixture.alerts.readValue();
        assertThat(raised.getState()).isEqualTo(AlertState.RAISED);
        fixture.enriched.readRecordsToList();

        fixture.devices.pipeInput("dev-1", (Device) null, at("09:03:00"));
        fixture.advanceWallClock(Duration.ofSeconds(1));

        TestRecord<String, AlertEvent> cleared = fixture.alerts.readRecord();
        assertThat(cleared.value().getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.value().getAlertId()).isEqualTo(raised.getAlertId());
        assertThat(cleared.value().getCause()).isEqualTo("DEVICE_DELETED");
        assertThat(cleared.value().getEventTime()).isEqualTo(WALL_CLOCK.plusSeconds(1));
        assertThat(cleared.getRecordTime()).isEqualTo(WALL_CLOCK.plusSeconds(1));
        KeyValueStore<String, byte[]> alertState = fixture.store(StoreNames.ALERT_STATE);
        assertThat(alertState.get("dev-1\nhot")).isNull();

        fixture.send("dev-1", "09:04:00", "temp", 50.0);
        assertThat(fixture.enriched.isEmpty()).isTrue();
        assertThat(fixture.gauge(ProcessorMetrics.PENDING_READINGS)).isEqualTo(1.0);
        fixture.advanceWallClock(Duration.ofMinutes(10));
        assertThat(DeadLetterHeaders.read(fixture.deadLetters.readRecord().headers(), DeadLetterHeaders.REASON))
                .startsWith("unknown device");
        assertThat(fixture.alerts.isEmpty()).isTrue();
    }

    @Test
    void deadLettersPoisonPillsOfEveryInputTopicAndKeepsProcessing() {
        byte[] deviceBytes = AvroSerde.of(Device.class).encode(device("dev-3", "pump", Map.of()));
        byte[] readingBytes =
                AvroSerde.of(TelemetryReading.class).encode(reading("dev-3", at("09:00:00"), Map.of("temp", 1.0)));
        byte[] junk = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

        fixture.rawBytes.pipeInput(utf8("dev-1"), deviceBytes, at("09:00:01"));
        fixture.deviceBytes.pipeInput(utf8("dev-3"), readingBytes, at("09:00:02"));
        fixture.ruleBytes.pipeInput("r-1", junk, at("09:00:03"));
        fixture.ruleBytes.pipeInput("r-2", deviceBytes, at("09:00:04"));
        fixture.advanceWallClock(Duration.ofSeconds(1));

        List<TestRecord<byte[], byte[]>> dead = fixture.deadLetters.readRecordsToList();
        assertThat(dead)
                .extracting(record -> DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .containsExactly(
                        Topics.TELEMETRY_RAW,
                        Topics.REGISTRY_DEVICES,
                        Topics.REGISTRY_ALERT_RULES,
                        Topics.REGISTRY_ALERT_RULES);
        assertThat(dead).extracting(TestRecord::value).containsExactly(deviceBytes, readingBytes, junk, deviceBytes);
        assertThat(dead)
                .allSatisfy(record -> assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.REASON))
                        .isNotBlank());
        assertThat(fixture.counter(ProcessorMetrics.DEAD_LETTERS, "reason", "undecodable"))
                .isEqualTo(4.0);
        KeyValueStore<String, Long> done = fixture.store(StoreNames.RULE_DEAD_LETTERS);
        assertThat(countOf(done)).isEqualTo(2);

        fixture.advanceWallClock(Duration.ofSeconds(1));
        assertThat(fixture.deadLetters.isEmpty())
                .as("each rule record is dead-lettered once")
                .isTrue();

        fixture.send("dev-1", "09:00:10", "temp", 1.0);
        assertThat(fixture.enriched.readValue().getDeviceId()).isEqualTo("dev-1");
    }

    private static TelemetryReading withMessageId(TelemetryReading reading, String messageId) {
        return TelemetryReading.newBuilder(reading).setMessageId(messageId).build();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long countOf(KeyValueStore<String, Long> store) {
        long count = 0;
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    private static Set<String> seenNames(KeyValueStore<Bytes, byte[]> seen, String deviceId, Instant ts) {
        long bucketSize = Deduplication.bucketSize(StreamsFixture.SETTINGS.dedupRetention());
        return Deduplication.names(seen.get(Deduplication.metricNamesKey(deviceId, ts.toEpochMilli(), bucketSize)));
    }

    private static long entries(KeyValueStore<Bytes, byte[]> store) {
        long count = 0;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }
}
