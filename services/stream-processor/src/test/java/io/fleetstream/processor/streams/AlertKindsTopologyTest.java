package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.AlertIds;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fleetstream.processor.streams.StreamsFixture.ONE_MINUTE;
import static io.fleetstream.processor.streams.StreamsFixture.WALL_CLOCK;
import static io.fleetstream.processor.streams.StreamsFixture.at;
import static io.fleetstream.processor.streams.StreamsFixture.device;
import static io.fleetstream.processor.streams.StreamsFixture.rule;
import static org.assertj.core.api.Assertions.assertThat;

/** Raw-value, rate-of-change and inactivity rules, and episodes ended by rule changes, on the production topology. */
class AlertKindsTopologyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private StreamsFixture fixture;

    @BeforeEach
    void start() {
        fixture = new StreamsFixture(stateDir);
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void rawRuleRaisesAndClearsOnSingleReadingsWithHysteresis() {
        addRule(rule("raw-hot", "temp", Duration.ZERO, ThresholdDirection.ABOVE)
                .setAggregation(Aggregation.RAW)
                .setRaiseThreshold(30)
                .setClearThreshold(25));

        fixture.send("dev-1", "09:00:10", "temp", 20.0);
        fixture.send("dev-1", "09:00:20", "temp", 35.0);
        fixture.send("dev-1", "09:00:30", "temp", 28.0);
        fixture.send("dev-1", "09:00:40", "temp", 24.0);

        List<TestRecord<String, AlertEvent>> events = fixture.alerts.readRecordsToList();
        assertThat(events)
                .extracting(event -> event.value().getState() + " "
                        + event.value().getValue() + " "
                        + event.value().getThreshold() + " " + event.value().getEventTime() + " "
                        + event.getRecordTime())
                .containsExactly(
                        "RAISED 35.0 30.0 " + at("09:00:20") + " " + at("09:00:20"),
                        "CLEARED 24.0 25.0 " + at("09:00:40") + " " + at("09:00:40"));
        AlertEvent raised = events.get(0).value();
        assertThat(raised.getAlertId())
                .isEqualTo(AlertIds.of("dev-1", "raw-hot", at("09:00:20").toEpochMilli()));
        assertThat(raised.getRuleKind()).isEqualTo(RuleKind.THRESHOLD);
        assertThat(raised.getAggregation()).isEqualTo(Aggregation.RAW);
        assertThat(raised.getWindowSizeMillis()).isZero();
        assertThat(raised.getWindowStart()).isEqualTo(at("09:00:20"));
        assertThat(raised.getRaisedAt()).isEqualTo(at("09:00:20"));
        assertThat(events.get(1).value().getAlertId()).isEqualTo(raised.getAlertId());
        assertThat(events.get(1).value().getCause()).isNull();
    }

    @Test
    void rateOfChangeComparesAdjacentWindowsPerMinute() {
        withFiveMinuteWindows();
        addRule(rule("heating-fast", "temp", Duration.ofMinutes(5), ThresholdDirection.ABOVE)
                .setKind(RuleKind.RATE_OF_CHANGE)
                .setRaiseThreshold(2.0)
                .setClearThreshold(0.5));

        // 5-minute windows with averages 10, 25 (+3/min), 27 (+0.4/min)
        fixture.send("dev-1", "09:01:00", "temp", 10.0);
        fixture.send("dev-1", "09:06:00", "temp", 25.0);
        fixture.send("dev-1", "09:11:00", "temp", 27.0);
        fixture.send("dev-1", "09:17:00", "other", 0.0);

        List<AlertEvent> events = fixture.alerts.readValuesToList();
        assertThat(events)
                .extracting(event -> event.getState() + " " + event.getValue() + " " + event.getWindowStart())
                .containsExactly("RAISED 3.0 " + at("09:05:00"), "CLEARED " + (2.0 / 5.0) + " " + at("09:10:00"));
        assertThat(events.get(0).getRuleKind()).isEqualTo(RuleKind.RATE_OF_CHANGE);
        assertThat(events.get(0).getRaisedAt()).isEqualTo(at("09:10:00"));
        assertThat(events.get(0).getWindowSizeMillis()).isEqualTo(300_000L);
    }

    @Test
    void rateOfChangeIsNotComputedAcrossAGap() {
        withFiveMinuteWindows();
        addRule(rule("heating-fast", "temp", Duration.ofMinutes(5), ThresholdDirection.ABOVE)
                .setKind(RuleKind.RATE_OF_CHANGE)
                .setRaiseThreshold(2.0)
                .setClearThreshold(0.5));

        fixture.send("dev-1", "09:01:00", "temp", 10.0);
        fixture.send("dev-1", "09:11:00", "temp", 90.0);
        fixture.send("dev-1", "09:17:00", "other", 0.0);

        assertThat(fixture.alerts.isEmpty())
                .as("09:05-09:10 had no reading, so 09:10 has no previous window")
                .isTrue();
        KeyValueStore<String, byte[]> state = fixture.store(StoreNames.ALERT_STATE);
        assertThat(AlertTrackCodec.decode(state.get("dev-1\nheating-fast")).previousAggregate())
                .isEqualTo(90.0);
    }

    @Test
    void inactivityRaisesOnlyWhenSilenceStrictlyExceedsTheTimeoutAndClearsWhenDataResumes() {
        addRule(inactivity("silent", "temp"));
        fixture.send("dev-1", "09:00:00", "temp", 1.0);

        fixture.advanceWallClock(TIMEOUT);
        assertThat(fixture.alerts.isEmpty())
                .as("silence equal to the timeout is not yet inactivity")
                .isTrue();
        fixture.send("dev-1", "09:01:00", "temp", 1.0);
        fixture.advanceWallClock(TIMEOUT);
        assertThat(fixture.alerts.isEmpty())
                .as("the reading exactly at the timeout restarted the silence")
                .isTrue();
        fixture.send("dev-1", "09:02:00", "other", 1.0);
        fixture.advanceWallClock(Duration.ofSeconds(1));

        TestRecord<String, AlertEvent> raised = fixture.alerts.readRecord();
        Instant lastActivity = WALL_CLOCK.plus(TIMEOUT);
        Instant detected = lastActivity.plus(TIMEOUT).plusSeconds(1);
        assertThat(raised.value().getState()).isEqualTo(AlertState.RAISED);
        assertThat(raised.value().getRuleKind()).isEqualTo(RuleKind.INACTIVITY);
        assertThat(raised.value().getMetric()).isEqualTo("temp");
        assertThat(raised.value().getWindowStart()).isEqualTo(lastActivity);
        assertThat(raised.value().getValue()).isEqualTo(61.0);
        assertThat(raised.value().getThreshold()).isEqualTo(60.0);
        assertThat(raised.value().getRaisedAt()).isEqualTo(detected);
        assertThat(raised.value().getEventTime()).isEqualTo(detected);
        assertThat(raised.getRecordTime()).isEqualTo(detected);
        assertThat(raised.value().getAlertId()).isEqualTo(AlertIds.of("dev-1", "silent", detected.toEpochMilli()));

        fixture.advanceWallClock(Duration.ofSeconds(30));
        assertThat(fixture.alerts.isEmpty()).as("one RAISED per episode").isTrue();
        fixture.send("dev-1", "09:03:00", "temp", 2.0);

        AlertEvent cleared = fixture.alerts.readValue();
        assertThat(cleared.getState()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.getAlertId()).isEqualTo(raised.value().getAlertId());
        assertThat(cleared.getValue()).isEqualTo(91.0);
        assertThat(cleared.getEventTime()).isEqualTo(detected.plusSeconds(30));
        assertThat(cleared.getCause()).isNull();
        assertThat(fixture.counter(ProcessorMetrics.ALERT_TRANSITIONS, "kind", "INACTIVITY", "state", "RAISED"))
                .isEqualTo(1.0);
        assertThat(fixture.counter(ProcessorMetrics.ALERT_TRANSITIONS, "kind", "INACTIVITY", "state", "CLEARED"))
                .isEqualTo(1.0);
    }

    @Test
    void inactivityOfAnyMetricWatchesDevicesThatNeverSentAnything() {
        fixture.register(device("dev-2", "pump", Map.of()));
        addRule(inactivity("silent-any", "*"));
        fixture.advanceWallClock(Duration.ofSeconds(1));
        fixture.advanceWallClock(Duration.ofSeconds(5));
        fixture.send("dev-1", "09:00:00", "humidity", 1.0);

        fixture.advanceWallClock(Duration.ofSeconds(56));

        assertThat(fixture.alerts.readValuesToList())
                .extracting(event -> event.getDeviceId() + " " + event.getState() + " " + event.getMetric())
                .as("dev-2 silent since the rule was first seen; dev-1 sent a reading 5 s later")
                .containsExactly("dev-2 RAISED *");
        fixture.advanceWallClock(Duration.ofSeconds(5));
        assertThat(fixture.alerts.readValuesToList())
                .extracting(event -> event.getDeviceId() + " " + event.getState())
                .containsExactly("dev-1 RAISED");
    }

    @Test
    void deletingDisablingOrChangingARuleClearsItsOpenEpisodeWithTheCause() {
        for (String ruleId : List.of("r-deleted", "r-disabled", "r-changed", "r-renamed")) {
            addRule(rule(ruleId, "temp", ONE_MINUTE, ThresholdDirection.ABOVE));
        }
        fixture.send("dev-1", "09:00:10", "temp", 50.0);
        fixture.send("dev-1", "09:02:00", "temp", 50.0);
        assertThat(fixture.alerts.readValuesToList()).hasSize(4);

        fixture.rules.pipeInput("r-deleted", null, at("09:03:00"));
        addRule(rule("r-disabled", "temp", ONE_MINUTE, ThresholdDirection.ABOVE).setEnabled(false));
        addRule(rule("r-changed", "temp", ONE_MINUTE, ThresholdDirection.ABOVE).setRaiseThreshold(60));
        addRule(rule("r-renamed", "temp", ONE_MINUTE, ThresholdDirection.ABOVE)
                .setName("renamed")
                .setSeverity(Severity.CRITICAL));
        fixture.advanceWallClock(Duration.ofSeconds(1));

        List<TestRecord<String, AlertEvent>> cleared = fixture.alerts.readRecordsToList();
        assertThat(cleared)
                .extracting(event -> event.value().getRuleId() + " "
                        + event.value().getState() + " " + event.value().getCause())
                .containsExactlyInAnyOrder(
                        "r-deleted CLEARED RULE_DELETED",
                        "r-disabled CLEARED RULE_DISABLED",
                        "r-changed CLEARED RULE_CHANGED");
        assertThat(cleared).allSatisfy(event -> {
            assertThat(event.value().getEventTime()).isEqualTo(WALL_CLOCK.plusSeconds(1));
            assertThat(event.value().getRaisedAt()).isEqualTo(at("09:01:00"));
            assertThat(event.value().getValue()).isEqualTo(50.0);
            assertThat(event.value().getThreshold()).isEqualTo(25.0);
        });
        KeyValueStore<String, byte[]> state = fixture.store(StoreNames.ALERT_STATE);
        assertThat(state.get("dev-1\nr-deleted")).isNull();
        assertThat(AlertTrackCodec.decode(state.get("dev-1\nr-renamed")).open())
                .as("a new name or severity does not change how the rule evaluates")
                .isTrue();

        fixture.send("dev-1", "09:03:00", "temp", 55.0);
        assertThat(fixture.alerts.readValuesToList())
                .as("the changed rule (raise above 60) starts afresh; 55 does not raise it")
                .isEmpty();
    }

    private void withFiveMinuteWindows() {
        fixture.close();
        ProcessorSettings base = StreamsFixture.SETTINGS;
        fixture = new StreamsFixture(
                stateDir.resolve("five-minutes"),
                new ProcessorSettings(
                        List.of(ONE_MINUTE, Duration.ofMinutes(5), StreamsFixture.ONE_HOUR),
                        base.grace(),
                        base.idleCloseAfter(),
                        base.punctuateInterval(),
                        base.pendingTimeout(),
                        base.correctionHorizon(),
                        base.dedupRetention()),
                WALL_CLOCK);
        fixture.register(device("dev-1", "thermostat", Map.of("site", "berlin")));
    }

    private AlertRule.Builder inactivity(String ruleId, String metric) {
        return rule(ruleId, metric, Duration.ZERO, ThresholdDirection.ABOVE)
                .setKind(RuleKind.INACTIVITY)
                .setInactivityTimeoutMillis(TIMEOUT.toMillis());
    }

    private void addRule(AlertRule.Builder rule) {
        AlertRule built = rule.build();
        fixture.rules.pipeInput(built.getRuleId(), built, at("08:00:00"));
    }
}
