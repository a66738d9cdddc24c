package io.fleetstream.processor.streams;

import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.RuleScope;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.fleetstream.processor.streams.StreamsFixture.ONE_HOUR;
import static io.fleetstream.processor.streams.StreamsFixture.ONE_MINUTE;
import static io.fleetstream.processor.streams.StreamsFixture.at;
import static io.fleetstream.processor.streams.StreamsFixture.device;
import static io.fleetstream.processor.streams.StreamsFixture.rule;
import static org.assertj.core.api.Assertions.assertThat;

class AlertTopologyTest {

    @TempDir
    Path stateDir;

    private StreamsFixture fixture;

    @BeforeEach
    void start() {
        fixture = new StreamsFixture(stateDir);
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin", "floor", "2")));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void raisesOnceAndClearsOnceWithHysteresis() {
        addRule(rule("hot", "temp", ONE_MINUTE, ThresholdDirection.ABOVE)
                .setRaiseThreshold(30)
                .setClearThreshold(25)
                .setSeverity(Severity.CRITICAL));

        minuteValues("dev-1", 20, 35, 28, 32, 24, 26, 29);

        List<TestRecord<String, AlertEvent>> events = fixture.alerts.readRecordsToList();
        assertThat(events).hasSize(2);
        AlertEvent raised = events.get(0).value();
        AlertEvent cleared = events.get(1).value();
        String expectedId = sha256Prefix("dev-1\nhot\n" + at("09:02:00").toEpochMilli());
        assertThat(events.get(0).key()).isEqualTo("dev-1");
        assertThat(events.get(0).getRecordTime()).isEqualTo(at("09:02:00"));
        assertThat(raised.getState()).isEqualTo(AlertState.RAISED);
        assertThat(raised.getAlertId()).isEqualTo(expectedId);
        assertThat(raised.getRuleId()).isEqualTo("hot");
        assertThat(raised.getRuleName()).isEqualTo("rule hot");
        assertThat(raised.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(raised.getDeviceType()).isEqualTo("thermostat");
        assertThat(raised.getMetric()).isEqualTo("temp");
        assertThat(raised.getAggregation()).isEqualTo(Aggregation.AVG);
        assertThat(raised.getWindowSizeMillis()).isEqualTo(60_000L);
        assertThat(raised.getWindowStart()).isEqualTo(at("09:01:00"));
        assertThat(raised.getValue()).isEqualTo(35.0);
        assertThat(raised.getThreshold()).isEqualTo(30.0);
        assertThat(raised.getRaisedAt()).isEqualTo(at("09:02:00"));
        assertThat(raised.getEventTime()).isEqualTo(at("09:02:00"));

        assertThat(cleared.getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.getAlertId()).isEqualTo(expectedId);
        assertThat(cleared.getWindowStart()).isEqualTo(at("09:04:00"));
        assertThat(cleared.getValue()).isEqualTo(24.0);
        assertThat(cleared.getThreshold()).isEqualTo(25.0);
        assertThat(cleared.getRaisedAt()).isEqualTo(at("09:02:00"));
        assertThat(cleared.getEventTime()).isEqualTo(at("09:05:00"));
        assertThat(fixture.counter(ProcessorMetrics.ALERT_TRANSITIONS, "state", "RAISED"))
                .isEqualTo(1.0);
        assertThat(fixture.counter(ProcessorMetrics.ALERT_TRANSITIONS, "state", "CLEARED"))
                .isEqualTo(1.0);
        KeyValueStore<String, byte[]> tracks = fixture.store(StoreNames.ALERT_STATE);
        assertThat(tracks.get("dev-1\nhot"))
                .as("closed with no streak: nothing to keep")
                .isNull();
    }

    @Test
    void keepsTheOpenEpisodeInTheTrackStore() {
        addRule(rule("hot", "temp", ONE_MINUTE, ThresholdDirection.ABOVE));

        minuteValues("dev-1", 35, 28);

        KeyValueStore<String, byte[]> tracks = fixture.store(StoreNames.ALERT_STATE);
        var track = AlertTrackCodec.decode(tracks.get("dev-1\nhot"));
        assertThat(track.open()).isTrue();
        assertThat(track.raisedAtMillis()).isEqualTo(at("09:01:00").toEpochMilli());
        assertThat(track.lastWindowEndMillis()).isEqualTo(at("09:02:00").toEpochMilli());
        assertThat(fixture.alerts.readValuesToList())
                .extracting(AlertEvent::getState)
                .containsExactly(AlertState.RAISED);
    }

    @Test
    void requiresAdjacentWindowsAndAGapResetsTheStreak() {
        addRule(rule("hot-twice", "temp", ONE_MINUTE, ThresholdDirection.ABOVE).setConsecutiveWindows(2));

        fixture.send("dev-1", "09:00:10", "temp", 35.0);
        fixture.send("dev-1", "09:02:10", "temp", 35.0);
        fixture.send("dev-1", "09:03:10", "temp", 20.0);
        fixture.send("dev-1", "09:04:10", "temp", 35.0);
        fixture.send("dev-1", "09:05:10", "temp", 35.0);
        fixture.send("dev-1", "09:10:00", "temp", 0.0);

        List<AlertEvent> events = fixture.alerts.readValuesToList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getState()).isEqualTo(AlertState.RAISED);
        assertThat(events.get(0).getWindowStart()).isEqualTo(at("09:05:00"));
        assertThat(events.get(0).getRaisedAt()).isEqualTo(at("09:06:00"));
    }

    @Test
    void raisesBelowThresholdAndClearsAboveTheClearThreshold() {
        addRule(rule("cold", "temp", ONE_MINUTE, ThresholdDirection.BELOW)
                .setRaiseThreshold(10)
                .setClearThreshold(15));

        minuteValues("dev-1", 12, 8, 14, 10, 16, 9);

        List<AlertEvent> events = fixture.alerts.readValuesToList();
        assertThat(events)
                .extracting(event -> event.getState() + "@" + event.getWindowStart() + "=" + event.getValue())
                .containsExactly(
                        "RAISED@" + at("09:01:00") + "=8.0",
                        "CLEARED@" + at("09:04:00") + "=16.0",
                        "RAISED@" + at("09:05:00") + "=9.0");
        assertThat(events.get(0).getAlertId()).isNotEqualTo(events.get(2).getAlertId());
        assertThat(events.get(1).getAlertId()).isEqualTo(events.get(0).getAlertId());
    }

    @Test
    void evaluatesOnlyRulesWhoseScopeMatchesTypeAndLabels() {
        fixture.register(device("dev-2", "thermostat", Map.of("site", "munich")));
        fixture.register(device("dev-3", "pump", Map.of("site", "berlin")));
        addRule(rule("berlin-thermostats", "temp", ONE_MINUTE, ThresholdDirection.ABOVE)
                .setScope(scope(null, "thermostat", Map.of("site", "berlin"))));
        addRule(rule("only-dev-3", "temp", ONE_MINUTE, ThresholdDirection.ABOVE)
                .setScope(scope("dev-3", null, Map.of())));

        for (String device : List.of("dev-1", "dev-2", "dev-3")) {
            fixture.send(device, "09:00:10", "temp", 50.0);
        }
        fixture.advanceWallClock(Duration.ofSeconds(10));

        assertThat(fixture.alerts.readValuesToList())
                .extracting(event -> event.getDeviceId() + "/" + event.getRuleId())
                .containsExactlyInAnyOrder("dev-1/berlin-thermostats", "dev-3/only-dev-3");
    }

    @Test
    void matchesRuleMetricWindowSizeAndAggregation() {
        addRule(rule("max-hourly", "temp", ONE_HOUR, ThresholdDirection.ABOVE)
                .setAggregation(Aggregation.MAX)
                .setRaiseThreshold(40));
        addRule(rule("count-per-minute", "temp", ONE_MINUTE, ThresholdDirection.ABOVE)
                .setAggregation(Aggregation.COUNT)
                .setRaiseThreshold(2));
        addRule(rule("other-metric", "humidity", ONE_HOUR, ThresholdDirection.ABOVE));

        fixture.send("dev-1", "09:00:10", "temp", 10.0);
        fixture.send("dev-1", "09:00:20", "temp", 41.0);
        fixture.send("dev-1", "09:00:30", "temp", 10.0);
        fixture.send("dev-1", "10:05:00", "temp", 0.0);

        assertThat(fixture.alerts.readValuesToList())
                .extracting(event -> event.getRuleId() + "=" + event.getValue())
                .containsExactly("count-per-minute=3.0", "max-hourly=41.0");
    }

    @Test
    void ignoresDisabledAndDeletedRules() {
        addRule(rule("disabled", "temp", ONE_MINUTE, ThresholdDirection.ABOVE).setEnabled(false));
        addRule(rule("deleted", "temp", ONE_MINUTE, ThresholdDirection.ABOVE));
        assertThat(fixture.gauge(ProcessorMetrics.RULES)).isEqualTo(2.0);
        fixture.rules.pipeInput("deleted", null, at("08:00:00"));
        assertThat(fixture.gauge(ProcessorMetrics.RULES)).isEqualTo(1.0);
        KeyValueStore<String, AlertRule> rules = fixture.store(StoreNames.ALERT_RULES);
        assertThat(rules.get("deleted")).isNull();

        minuteValues("dev-1", 50, 50);

        assertThat(fixture.alerts.isEmpty()).isTrue();
    }

    @Test
    void skipsAndCountsUndecodableRules() {
        addRule(rule("hot", "temp", ONE_MINUTE, ThresholdDirection.ABOVE));
        fixture.ruleBytes.pipeInput("broken", "not avro".getBytes(StandardCharsets.UTF_8), at("08:00:00"));

        assertThat(fixture.gauge(ProcessorMetrics.RULES)).isEqualTo(1.0);
        assertThat(fixture.registry
                        .find(ProcessorMetrics.REJECTED_RULES)
                        .counter()
                        .count())
                .isEqualTo(1.0);

        minuteValues("dev-1", 50);

        assertThat(fixture.alerts.readValuesToList())
                .extracting(AlertEvent::getRuleId)
                .containsExactly("hot");
    }

    private void addRule(AlertRule.Builder rule) {
        AlertRule built = rule.build();
        fixture.rules.pipeInput(built.getRuleId(), built, at("08:00:00"));
    }

    /**
     * One reading per minute window starting at 09:00 with the given values, then a reading far enough ahead to close
     * them all by stream time.
     */
    private void minuteValues(String deviceId, double... values) {
        Instant start = at("09:00:30");
        for (int i = 0; i < values.length; i++) {
            fixture.send(deviceId, start.plusSeconds(60L * i).toString().substring(11, 19), "temp", values[i]);
        }
        Instant closing = start.plusSeconds(60L * (values.length + 2));
        fixture.send("dev-1", closing.toString().substring(11, 19), "other", 0.0);
    }

    private static RuleScope scope(String deviceId, String deviceType, Map<String, String> labels) {
        return RuleScope.newBuilder()
                .setDeviceId(deviceId)
                .setDeviceType(deviceType)
                .setLabels(labels)
                .build();
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
