package io.fleetstream.processor.streams;

import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.header.Headers;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.processor.streams.StreamsFixture.at;
import static io.fleetstream.processor.streams.StreamsFixture.device;
import static io.fleetstream.processor.streams.StreamsFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

class EnrichmentTopologyTest {

    @TempDir
    Path stateDir;

    private StreamsFixture fixture;

    @BeforeEach
    void start() {
        fixture = new StreamsFixture(stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void enrichesReadingWithItsDeviceRecord() {
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
        TelemetryReading reading = reading("dev-1", at("09:00:10"), Map.of("temp", 21.5, "humidity", 40.0));

        fixture.send(reading);

        TestRecord<String, EnrichedReading> out = fixture.enriched.readRecord();
        assertThat(out.key()).isEqualTo("dev-1");
        assertThat(out.getRecordTime()).isEqualTo(at("09:00:10"));
        EnrichedReading enriched = out.value();
        assertThat(enriched.getDeviceId()).isEqualTo("dev-1");
        assertThat(enriched.getTs()).isEqualTo(at("09:00:10"));
        assertThat(enriched.getReceivedAt()).isEqualTo(reading.getReceivedAt());
        assertThat(enriched.getMetrics()).isEqualTo(Map.of("temp", 21.5, "humidity", 40.0));
        assertThat(enriched.getDeviceName()).isEqualTo("Device dev-1");
        assertThat(enriched.getDeviceType()).isEqualTo("thermostat");
        assertThat(enriched.getLabels()).isEqualTo(Map.of("site", "berlin"));
        assertThat(fixture.enriched.isEmpty()).isTrue();
        KeyValueStore<String, Device> devices = fixture.store(StoreNames.DEVICES);
        assertThat(devices.get("dev-1").getType()).isEqualTo("thermostat");
    }

    @Test
    void parksReadingsOfUnknownDeviceAndReleasesThemInOrderWhenTheDeviceArrives() {
        fixture.send("dev-2", "09:00:30", "temp", 1.0);
        fixture.send("dev-2", "09:00:10", "temp", 2.0);
        fixture.send("dev-2", "09:00:20", "temp", 3.0);

        assertThat(fixture.enriched.isEmpty()).isTrue();
        assertThat(pendingKeys()).hasSize(3);
        assertThat(fixture.gauge(ProcessorMetrics.PENDING_READINGS)).isEqualTo(3.0);

        fixture.register(device("dev-2", "pump", Map.of("line", "a")));

        List<TestRecord<String, EnrichedReading>> released = fixture.enriched.readRecordsToList();
        assertThat(released)
                .extracting(record -> record.value().getMetrics().get("temp"))
                .containsExactly(1.0, 2.0, 3.0);
        assertThat(released)
                .extracting(TestRecord::getRecordTime)
                .containsExactly(at("09:00:30"), at("09:00:10"), at("09:00:20"));
        assertThat(released).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo("dev-2");
            assertThat(record.value().getDeviceType()).isEqualTo("pump");
            assertThat(record.value().getDeviceName()).isEqualTo("Device dev-2");
            assertThat(record.value().getLabels()).isEqualTo(Map.of("line", "a"));
        });
        assertThat(pendingKeys()).isEmpty();
        assertThat(fixture.gauge(ProcessorMetrics.PENDING_READINGS)).isZero();
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void releasesOnlyTheReadingsOfTheDeviceThatArrived() {
        fixture.send("dev-a", "09:00:10", "temp", 1.0);
        fixture.send("dev-b", "09:00:11", "temp", 2.0);

        fixture.register(device("dev-a", "pump", Map.of()));

        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getDeviceId)
                .containsExactly("dev-a");
        assertThat(pendingKeys()).hasSize(1);
    }

    @Test
    void deadLettersReadingsWhoseDeviceNeverArrivesAfterThePendingTimeout() {
        TelemetryReading reading = reading("ghost", at("09:00:10"), Map.of("temp", 1.0));
        byte[] original = AvroSerde.of(TelemetryReading.class).encode(reading);
        fixture.rawBytes.pipeInput("ghost".getBytes(StandardCharsets.UTF_8), original, at("09:00:10"));

        fixture.advanceWallClock(Duration.ofMinutes(9));
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        assertThat(pendingKeys()).hasSize(1);

        fixture.advanceWallClock(Duration.ofMinutes(1));

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("ghost".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.value()).isEqualTo(original);
        Headers headers = dead.headers();
        assertThat(DeadLetterHeaders.read(headers, DeadLetterHeaders.REASON)).startsWith("unknown device");
        assertThat(DeadLetterHeaders.read(headers, DeadLetterHeaders.STAGE)).isEqualTo("stream-processor");
        assertThat(DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(Topics.TELEMETRY_RAW);
        assertThat(DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_PARTITION))
                .isEqualTo("0");
        assertThat(DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_OFFSET))
                .isEqualTo("0");
        assertThat(pendingKeys()).isEmpty();
        assertThat(fixture.enriched.isEmpty()).isTrue();
        assertThat(fixture.counter(ProcessorMetrics.DEAD_LETTERS, "reason", "unknown-device"))
                .isEqualTo(1.0);

        fixture.register(device("ghost", "pump", Map.of()));
        assertThat(fixture.enriched.isEmpty()).isTrue();
    }

    @Test
    void deadLettersBytesThatAreNotOurAvroAndKeepsProcessing() {
        fixture.register(device("dev-1", "thermostat", Map.of()));
        byte[] key = "dev-1".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = "{\"temp\": 21}".getBytes(StandardCharsets.UTF_8);
        fixture.rawBytes.pipeInput(key, garbage, at("09:00:05"));
        fixture.send("dev-1", "09:00:10", "temp", 21.0);

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.getRecordTime()).isEqualTo(StreamsFixture.WALL_CLOCK);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .contains("not Avro single-object encoding");
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(Topics.TELEMETRY_RAW);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .isEqualTo("0");
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.EXCEPTION))
                .isNotBlank();
        assertThat(fixture.counter(ProcessorMetrics.DEAD_LETTERS, "reason", "undecodable"))
                .isEqualTo(1.0);
        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getTs)
                .containsExactly(at("09:00:10"));
    }

    @Test
    void deadLettersReadingWithUnknownSchemaFingerprint() {
        byte[] encoded =
                AvroSerde.of(TelemetryReading.class).encode(reading("dev-1", at("09:00:10"), Map.of("temp", 1.0)));
        encoded[2] ^= 0x5A;
        fixture.rawBytes.pipeInput("dev-1".getBytes(StandardCharsets.UTF_8), encoded, at("09:00:10"));

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(encoded);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .contains("unknown writer schema fingerprint");
        assertThat(pendingKeys()).isEmpty();
    }

    @Test
    void deadLettersReadingWhoseKeyIsNotItsDevice() {
        fixture.register(device("dev-1", "thermostat", Map.of()));
        fixture.raw.pipeInput("dev-2", reading("dev-1", at("09:00:10"), Map.of("temp", 1.0)), at("09:00:10"));

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("dev-2");
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .contains("device id [dev-1]");
        assertThat(fixture.counter(ProcessorMetrics.DEAD_LETTERS, "reason", "key-mismatch"))
                .isEqualTo(1.0);
        assertThat(fixture.enriched.isEmpty()).isTrue();
    }

    @Test
    void deadLettersReadingWithNonFiniteValue() {
        fixture.register(device("dev-1", "thermostat", Map.of()));
        fixture.send(reading("dev-1", at("09:00:10"), Map.of("temp", Double.NaN)));

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .contains("metric [temp]");
        assertThat(fixture.enriched.isEmpty()).isTrue();
    }

    @Test
    void deadLettersUndecodableDeviceRecordAndKeepsTheStoredDevice() {
        fixture.register(device("dev-1", "thermostat", Map.of()));
        byte[] key = "dev-1".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = {1, 2, 3};
        fixture.deviceBytes.pipeInput(key, garbage, at("11:00:00"));

        TestRecord<byte[], byte[]> dead = fixture.deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .isEqualTo(Topics.REGISTRY_DEVICES);
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .isEqualTo("1");
        KeyValueStore<String, Device> devices = fixture.store(StoreNames.DEVICES);
        assertThat(devices.get("dev-1")).isNotNull();
    }

    @Test
    void deviceTombstoneRemovesTheDevice() {
        fixture.register(device("dev-1", "thermostat", Map.of()));
        fixture.devices.pipeInput("dev-1", null, at("11:00:00"));

        fixture.send("dev-1", "09:00:10", "temp", 1.0);

        KeyValueStore<String, Device> devices = fixture.store(StoreNames.DEVICES);
        assertThat(devices.get("dev-1")).isNull();
        assertThat(fixture.enriched.isEmpty()).isTrue();
        assertThat(pendingKeys()).hasSize(1);
    }

    @Test
    void enrichesWithTheLatestDeviceRecord() {
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
        fixture.register(device("dev-1", "thermostat", Map.of("site", "munich")));

        fixture.send("dev-1", "09:00:10", "temp", 1.0);

        assertThat(fixture.enriched.readValue().getLabels()).isEqualTo(Map.of("site", "munich"));
    }

    private List<Bytes> pendingKeys() {
        KeyValueStore<Bytes, byte[]> pending = fixture.store(StoreNames.PENDING_READINGS);
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = pending.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }
}
