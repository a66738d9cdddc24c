package io.fleetstream.processor.streams;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessorSettingsTest {

    @Test
    void rejectsADedupRetentionThatWouldForgetValuesAnAggregateCanStillTake() {
        assertThatThrownBy(() -> settings(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fleetstream.deduplication.retention")
                .hasMessageContaining("PT2H1M");
    }

    @Test
    void acceptsADedupRetentionOfLargestWindowPlusGracePlusHorizon() {
        assertThat(settings(Duration.ofHours(2).plusMinutes(1)).dedupRetention())
                .isEqualTo(Duration.ofMinutes(121));
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
