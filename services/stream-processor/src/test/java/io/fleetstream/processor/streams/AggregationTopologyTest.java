package io.fleetstream.processor.streams;

import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.processor.streams.StreamsFixture.at;
import static io.fleetstream.processor.streams.StreamsFixture.device;
import static io.fleetstream.processor.streams.StreamsFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AggregationTopologyTest {

    @TempDir
    Path stateDir;

    private StreamsFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private StreamsFixture start() {
        fixture = new StreamsFixture(stateDir);
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
        fixture.register(device("dev-2", "thermostat", Map.of("site", "munich")));
        return fixture;
    }

    @Test
    void computesCountMinMaxSumAndAveragePerMetricForMinuteAndHourWindows() {
        start();
        fixture.send(reading("dev-1", at("09:00:05"), Map.of("temp", -5.0, "humidity", 40.0)));
        fixture.send(reading("dev-1", at("09:00:35"), Map.of("temp", -2.0)));
        fixture.send(reading("dev-1", at("09:00:59.999"), Map.of("temp", -8.0, "humidity", 50.0)));
        fixture.send(reading("dev-1", at("09:30:00"), Map.of("temp", 4.0)));

        List<TestRecord<String, MetricWindowAggregate>> minute = fixture.minuteAggregates.readRecordsToList();
        assertThat(minute).hasSize(2);
        MetricWindowAggregate humidity = minute.get(0).value();
        MetricWindowAggregate temp = minute.get(1).value();
        assertThat(minute.get(1).key()).isEqualTo("dev-1");
        assertThat(minute.get(1).getRecordTime()).isEqualTo(at("09:00:00"));
        assertThat(temp.getMetric()).isEqualTo("temp");
        assertThat(temp.getDeviceId()).isEqualTo("dev-1");
        assertThat(temp.getDeviceType()).isEqualTo("thermostat");
        assertThat(temp.getWindowSizeMillis()).isEqualTo(60_000L);
        assertThat(temp.getWindowStart()).isEqualTo(at("09:00:00"));
        assertThat(temp.getWindowEnd()).isEqualTo(at("09:01:00"));
        assertThat(temp.getCount()).isEqualTo(3);
        assertThat(temp.getMin()).isEqualTo(-8.0);
        assertThat(temp.getMax()).isEqualTo(-2.0);
        assertThat(temp.getSum()).isEqualTo(-15.0);
        assertThat(temp.getAvg()).isEqualTo(-5.0);
        assertThat(humidity.getMetric()).isEqualTo("humidity");
        assertThat(humidity.getCount()).isEqualTo(2);
        assertThat(humidity.getMin()).isEqualTo(40.0);
        assertThat(humidity.getMax()).isEqualTo(50.0);
        assertThat(humidity.getAvg()).isEqualTo(45.0);
        assertThat(fixture.hourAggregates.isEmpty()).isTrue();

        fixture.send(reading("dev-1", at("10:01:00"), Map.of("temp", 100.0)));

        List<MetricWindowAggregate> hour = fixture.hourAggregates.readValuesToList();
        assertThat(hour).extracting(MetricWindowAggregate::getMetric).containsExactly("humidity", "temp");
        MetricWindowAggregate hourTemp = hour.get(1);
        assertThat(hourTemp.getWindowSizeMillis()).isEqualTo(3_600_000L);
        assertThat(hourTemp.getWindowStart()).isEqualTo(at("09:00:00"));
        assertThat(hourTemp.getWindowEnd()).isEqualTo(at("10:00:00"));
        assertThat(hourTemp.getCount()).isEqualTo(4);
        assertThat(hourTemp.getMin()).isEqualTo(-8.0);
        assertThat(hourTemp.getMax()).isEqualTo(4.0);
        assertThat(hourTemp.getSum()).isEqualTo(-11.0);
        assertThat(hourTemp.getAvg()).isCloseTo(-2.75, within(1e-12));
        assertThat(fixture.counter(ProcessorMetrics.WINDOWS_CLOSED, "window", "1h"))
                .isEqualTo(1.0);
    }

    @Test
    void emitsAWindowOnceAndOnlyAfterStreamTimePassesItsEndPlusGrace() {
        start();
        fixture.send("dev-1", "09:00:30", "temp", 1.0);
        fixture.send("dev-1", "09:01:59.999", "temp", 2.0);

        assertThat(fixture.minuteAggregates.isEmpty()).isTrue();
        assertThat(openWindowEnds()).contains(at("09:01:00"), at("09:02:00"));

        fixture.send("dev-1", "09:02:00", "temp", 3.0);

        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(MetricWindowAggregate::getWindowStart)
                .containsExactly(at("09:00:00"));
        assertThat(openWindowEnds()).doesNotContain(at("09:01:00"));
        KeyValueStore<String, byte[]> clocks = fixture.store(StoreNames.DEVICE_CLOCKS);
        assertThat(WindowAggregator.DeviceClock.decode(clocks.get("dev-1")))
                .isEqualTo(new WindowAggregator.DeviceClock(
                        at("09:02:00").toEpochMilli(), StreamsFixture.WALL_CLOCK.toEpochMilli()));

        fixture.send("dev-1", "09:02:30", "temp", 4.0);
        fixture.send("dev-2", "09:02:40", "temp", 5.0);

        assertThat(fixture.minuteAggregates.isEmpty()).isTrue();
    }

    @Test
    void readingInsideGraceStillCountsInItsWindow() {
        start();
        fixture.send("dev-1", "09:00:10", "temp", 10.0);
        fixture.send("dev-1", "09:01:30", "temp", 99.0);
        fixture.send("dev-1", "09:00:50", "temp", 20.0);

        fixture.send("dev-1", "09:02:00", "temp", 0.0);

        MetricWindowAggregate window = fixture.minuteAggregates.readValue();
        assertThat(window.getWindowStart()).isEqualTo(at("09:00:00"));
        assertThat(window.getCount()).isEqualTo(2);
        assertThat(window.getSum()).isEqualTo(30.0);
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m"))
                .isZero();
    }

    @Test
    void readingBeyondGraceRepublishesTheWholeWindowWithTheNextRevision() {
        start();
        fixture.send(reading("dev-1", at("09:00:10"), Map.of("temp", 10.0, "rpm", 1.0)));
        fixture.send("dev-1", "09:02:00", "temp", 0.0);
        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(window -> window.getMetric() + " " + window.getCount() + " r" + window.getRevision())
                .containsExactly("rpm 1 r0", "temp 1 r0");
        fixture.enriched.readRecordsToList();

        fixture.send("dev-1", "09:00:20", "temp", 500.0);

        assertThat(fixture.enriched.readValuesToList())
                .as("a late reading is still published for the raw store")
                .extracting(EnrichedReading::getTs)
                .containsExactly(at("09:00:20"));
        assertThat(fixture.minuteAggregates.readValuesToList())
                .as("every metric of the window again, with revision 1")
                .extracting(window -> window.getWindowStart() + " " + window.getMetric() + " " + window.getCount() + " "
                        + window.getMax() + " r" + window.getRevision())
                .containsExactly(at("09:00:00") + " rpm 1 1.0 r1", at("09:00:00") + " temp 2 500.0 r1");
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m", "outcome", "corrected"))
                .isEqualTo(1.0);
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m", "outcome", "dropped"))
                .isZero();
        assertThat(openWindowEnds()).doesNotContain(at("09:01:00"));

        fixture.send("dev-1", "10:01:00", "temp", 0.0);

        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(MetricWindowAggregate::getWindowStart)
                .doesNotContain(at("09:00:00"));
        MetricWindowAggregate hour = fixture.hourAggregates.readValuesToList().stream()
                .filter(window -> window.getMetric().equals("temp"))
                .findFirst()
                .orElseThrow();
        assertThat(hour.getCount())
                .as("the late reading is on time for the hour window")
                .isEqualTo(3);
        assertThat(hour.getMax()).isEqualTo(500.0);
        assertThat(hour.getRevision()).isZero();
    }

    @Test
    void readingBeyondTheCorrectionHorizonIsDroppedFromAggregatesButStillEnriched() {
        start();
        fixture.send("dev-1", "09:00:10", "temp", 10.0);
        fixture.send("dev-1", "10:01:00", "temp", 20.0);
        fixture.send("dev-1", "10:03:00", "temp", 30.0);
        fixture.minuteAggregates.readRecordsToList();
        fixture.enriched.readRecordsToList();

        fixture.send("dev-1", "09:00:20", "temp", 500.0);
        fixture.send("dev-1", "10:00:59", "temp", 7.0);

        assertThat(fixture.enriched.readValuesToList())
                .extracting(EnrichedReading::getTs)
                .containsExactly(at("09:00:20"), at("10:00:59"));
        assertThat(fixture.minuteAggregates.readValuesToList())
                .as("09:00 is beyond 1m grace + 1h horizon of the device clock 10:03; 10:00 closed empty and is not")
                .extracting(window -> window.getWindowStart() + " " + window.getCount() + " r" + window.getRevision())
                .containsExactly(at("10:00:00") + " 1 r1");
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m", "outcome", "dropped"))
                .isEqualTo(1.0);
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m", "outcome", "corrected"))
                .isEqualTo(1.0);
        KeyValueStore<Bytes, byte[]> correctable = fixture.store(StoreNames.CORRECTABLE_WINDOWS);
        assertThat(correctable.get(new WindowKey("dev-1", at("10:01:00").toEpochMilli(), 60_000L).toBytes()))
                .as("the corrected window is kept with its revision")
                .satisfies(bytes ->
                        assertThat(WindowAccumulator.decode(bytes).revision()).isEqualTo(1));
    }

    @Test
    void closesWindowsOnTheWallClockWhenThePartitionGoesSilent() {
        start();
        fixture.send("dev-1", "09:00:10", "temp", 1.0);
        fixture.send("dev-2", "09:00:40", "temp", 2.0);
        fixture.send("dev-1", "09:01:10", "temp", 3.0);

        fixture.advanceWallClock(Duration.ofSeconds(9));
        assertThat(fixture.minuteAggregates.isEmpty()).isTrue();
        assertThat(fixture.hourAggregates.isEmpty()).isTrue();

        fixture.advanceWallClock(Duration.ofSeconds(1));

        assertThat(fixture.minuteAggregates.readRecordsToList())
                .extracting(record -> record.key() + "@" + record.value().getWindowStart())
                .containsExactly("dev-1@" + at("09:00:00"), "dev-1@" + at("09:01:00"), "dev-2@" + at("09:00:00"));
        assertThat(fixture.hourAggregates.readValuesToList())
                .extracting(aggregate -> aggregate.getDeviceId() + "=" + aggregate.getCount())
                .containsExactly("dev-1=2", "dev-2=1");
        assertThat(openWindowEnds()).isEmpty();
        assertThat(fixture.counter(ProcessorMetrics.WINDOWS_CLOSED, "window", "1m"))
                .isEqualTo(3.0);
    }

    @Test
    void idleCloseWaitsForTheWallClockToPassWindowEndPlusGrace() {
        Instant wallClock = at("12:00:20");
        fixture = new StreamsFixture(stateDir, StreamsFixture.SETTINGS, wallClock);
        fixture.register(device("dev-1", "thermostat", Map.of()));
        fixture.send("dev-1", "12:00:10", "temp", 1.0);

        fixture.advanceWallClock(Duration.ofSeconds(30));
        assertThat(fixture.minuteAggregates.isEmpty())
                .as("wall clock 12:00:50 < 12:01 + 1m grace")
                .isTrue();

        fixture.advanceWallClock(Duration.ofSeconds(70));

        assertThat(fixture.minuteAggregates.readValue().getWindowStart()).isEqualTo(at("12:00:00"));
        assertThat(fixture.hourAggregates.isEmpty()).isTrue();
        assertThat(openWindowEnds()).containsExactly(at("13:00:00"));
    }

    @Test
    void readingForAWindowClosedByIdlenessCorrectsIt() {
        start();
        fixture.send("dev-1", "09:00:10", "temp", 1.0);
        fixture.advanceWallClock(Duration.ofSeconds(10));
        assertThat(fixture.minuteAggregates.readValuesToList()).hasSize(1);
        assertThat(fixture.hourAggregates.readValuesToList()).hasSize(1);

        fixture.send("dev-1", "09:00:40", "temp", 2.0);
        fixture.send("dev-2", "09:00:40", "temp", 2.0);
        fixture.advanceWallClock(Duration.ofSeconds(10));

        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1m", "outcome", "corrected"))
                .isEqualTo(1.0);
        assertThat(fixture.counter(ProcessorMetrics.LATE_READINGS, "window", "1h", "outcome", "corrected"))
                .isEqualTo(1.0);
        assertThat(fixture.minuteAggregates.readValuesToList())
                .extracting(window -> window.getDeviceId() + " " + window.getCount() + " r" + window.getRevision())
                .as("dev-1 corrected at once; dev-2 had no closed window yet and closes on the idle rule")
                .containsExactly("dev-1 2 r1", "dev-2 1 r0");
        assertThat(fixture.enriched.readValuesToList()).hasSize(3);
    }

    @Test
    void releasedReadingsAreAggregated() {
        fixture = new StreamsFixture(stateDir);
        fixture.send("dev-9", "09:00:10", "temp", 4.0);
        fixture.send("dev-9", "09:00:20", "temp", 6.0);
        fixture.register(device("dev-9", "pump", Map.of()));

        fixture.advanceWallClock(Duration.ofSeconds(10));

        MetricWindowAggregate window = fixture.minuteAggregates.readValue();
        assertThat(window.getDeviceType()).isEqualTo("pump");
        assertThat(window.getCount()).isEqualTo(2);
        assertThat(window.getAvg()).isEqualTo(5.0);
    }

    private List<Instant> openWindowEnds() {
        KeyValueStore<Bytes, byte[]> windows = fixture.store(StoreNames.OPEN_WINDOWS);
        List<Instant> ends = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = windows.all()) {
            all.forEachRemaining(entry ->
                    ends.add(Instant.ofEpochMilli(WindowKey.fromBytes(entry.key).windowEndMillis())));
        }
        return ends;
    }
}
