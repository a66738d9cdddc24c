package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.domain.MetricValues;
import io.fleetstream.gateway.domain.Reading;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.TelemetryReading;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RawReadingEncoderTest {

    private static final long RECEIVED = 1_764_870_000_123L;

    private final AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);
    private final RawReadingEncoder encoder = new RawReadingEncoder();

    @Test
    void writesWhatAvroWritesForATypicalReading() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("temperature", 27.3);
        metrics.put("humidity", 52.3);
        metrics.put("pressure", 1013.25);
        Reading reading =
                new Reading(Instant.ofEpochMilli(1_764_869_999_000L), "m-42", metrics, Map.of("firmware", "1.4.2"));

        assertSameBytes("dongsi-aq-01", reading);
    }

    @Test
    void writesWhatAvroWritesForMetricsAsTheParserHoldsThem() {
        MetricValues metrics = new MetricValues();
        for (int i = 0; i < 12; i++) {
            metrics.add("sensor_" + (11 - i), i * 1.5 - 3);
        }

        assertSameBytes(
                "dongsi-aq-01", new Reading(Instant.ofEpochMilli(1_764_869_999_000L), "m-1", metrics, Map.of()));
    }

    @Test
    void writesWhatAvroWritesAtTheEdgesOfEachField() {
        Map<String, Double> extremes = new LinkedHashMap<>();
        extremes.put("zero", 0.0);
        extremes.put("negative.zero", -0.0);
        extremes.put("max", Double.MAX_VALUE);
        extremes.put("tiny", Double.MIN_VALUE);
        extremes.put("minus", -1e300);
        Map<String, String> unicode = new LinkedHashMap<>();
        unicode.put("site", "Wanshouxigong 万寿西宫");
        unicode.put("emoji", "\uD83C\uDF21 thermometer");
        unicode.put("empty", "");
        unicode.put("\u00e9t\u00e9", "caf\u00e9");

        assertSameBytes("d", new Reading(Instant.ofEpochMilli(0), null, Map.of("x", 1.0), Map.of()));
        assertSameBytes("d", new Reading(Instant.ofEpochMilli(-1), "", extremes, unicode));
        assertSameBytes("d", new Reading(Instant.ofEpochMilli(Long.MAX_VALUE / 1_000), "id", extremes, Map.of()));
        String nonAsciiDevice = "设备-7";
        assertSameBytes(
                nonAsciiDevice, new Reading(Instant.ofEpochMilli(63), "x".repeat(5_000), Map.of("a", 2.0), unicode));
    }

    @Test
    void writesWhatAvroWritesForThousandsOfRandomReadings() {
        Random random = new Random(4_556_243L);
        for (int n = 0; n < 5_000; n++) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            int metricCount = 1 + random.nextInt(70); // more than 63 needs a second varint byte for the count
            for (int i = 0; i < metricCount; i++) {
                metrics.put(
                        "m" + i + "_" + random.nextInt(1000), random.nextGaussian() * Math.pow(10, random.nextInt(20)));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                attributes.put("a" + i, randomText(random));
            }
            String messageId = random.nextBoolean() ? null : randomText(random);
            long ts = random.nextLong() >> random.nextInt(64);
            assertSameBytes("device-" + n, new Reading(Instant.ofEpochMilli(ts), messageId, metrics, attributes));
        }
    }

    private void assertSameBytes(String deviceId, Reading reading) {
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        TelemetryReading record = TelemetryReading.newBuilder()
                .setDeviceId(deviceId)
                .setTs(reading.ts())
                .setReceivedAt(Instant.ofEpochMilli(RECEIVED))
                .setMessageId(reading.messageId())
                .setMetrics(reading.metrics())
                .setAttributes(reading.attributes())
                .build();

        byte[] ours = encoder.encode(key, RECEIVED, reading);

        assertThat(ours).isEqualTo(serde.encode(record));
        assertThat(serde.decode(ours)).isEqualTo(record);
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                text.append((char) (' ' + random.nextInt(95)));
            } else if (kind < 8) {
                text.append((char) (0xA0 + random.nextInt(0x2000)));
            } else if (kind < 9) {
                text.append((char) (0x4E00 + random.nextInt(0x5000)));
            } else {
                text.appendCodePoint(0x1F300 + random.nextInt(0x300));
            }
        }
        return text.toString();
    }
}
