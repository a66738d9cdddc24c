package io.fleetstream.processor.streams;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessorSettingsTest {

    @Test
    void raisesADedupRetentionThatWouldForgetValuesAnAggregateCanStillTake() {
        assertThat(settings(Duration.ofHours(2)).dedupRetention())
                .as("largest window 1h + grace 1m + correction horizon 1h")
                .isEqualTo(Duration.ofMinutes(121));
    }

    @Test
    void keepsALongerDedupRetention() {
        assertThat(settings(Duration.ofHours(24)).dedupRetention()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void rejectsANegativeCorrectionHorizon() {
        assertThatThrownBy(() -> new ProcessorSettings(
                        List.of(Duration.ofMinutes(1)),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(10),
                        Duration.ofHours(-1),
                        Duration.ofHours(24)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("correction-horizon");
    }

    private static ProcessorSettings settings(Duration dedupRetention) {
        return new ProcessorSettings(
                List.of(Duration.ofMinutes(1), Duration.ofHours(1)),
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                dedupRetention);
    }
}
