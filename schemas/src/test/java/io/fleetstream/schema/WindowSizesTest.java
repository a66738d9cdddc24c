package io.fleetstream.schema;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowSizesTest {

    @Test
    void labelsUseTheLargestExactUnit() {
        assertThat(WindowSizes.label(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(WindowSizes.label(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(WindowSizes.label(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(WindowSizes.label(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Topics.aggregates(Duration.ofMinutes(15))).isEqualTo("fleet.telemetry.agg.15m");
    }

    @Test
    void parsesWhatItLabels() {
        for (String label : new String[] {"30s", "1m", "5m", "15m", "1h", "1d"}) {
            assertThat(WindowSizes.label(WindowSizes.parse(label))).isEqualTo(label);
        }
    }

    @Test
    void rejectsMalformedLabelsWithAHint() {
        assertThatThrownBy(() -> WindowSizes.parse("1 hour")).hasMessageContaining("for example 1m or 1h");
        assertThatThrownBy(() -> WindowSizes.label(Duration.ofMillis(1500))).hasMessageContaining("whole number");
    }

    @Test
    void aggregatePatternMatchesOnlyAggregateTopics() {
        assertThat(Topics.AGGREGATES_PATTERN.matcher("fleet.telemetry.agg.1h").matches())
                .isTrue();
        assertThat(Topics.AGGREGATES_PATTERN
                        .matcher("fleet.telemetry.aggregates")
                        .matches())
                .isFalse();
    }
}
