package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricValuesTest {

    @Test
    void keepsTheOrderSentAndRefusesANameTwiceBeforeAndAfterItBuildsItsIndex() {
        for (int count : new int[] {1, 8, 9, 100}) {
            MetricValues metrics = new MetricValues();
            Map<String, Double> expected = new LinkedHashMap<>();
            for (int i = count; i > 0; i--) {
                assertThat(metrics.add("m" + i, i / 4.0)).isTrue();
                expected.put("m" + i, i / 4.0);
            }

            for (int i = 1; i <= count; i++) {
                assertThat(metrics.add("m" + i, -1))
                        .as("m%d again among %d", i, count)
                        .isFalse();
            }
            assertThat(metrics).isEqualTo(expected).hasSize(count);
            assertThat(List.copyOf(metrics.keySet())).isEqualTo(List.copyOf(expected.keySet()));
            assertThat(metrics.get("m1")).isEqualTo(0.25);
            assertThat(metrics.get("absent")).isNull();
            assertThat(metrics.name(0)).isEqualTo("m" + count);
            assertThat(metrics.value(count - 1)).isEqualTo(0.25);
        }
    }
}
