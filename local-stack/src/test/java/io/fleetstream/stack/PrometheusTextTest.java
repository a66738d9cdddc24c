package io.fleetstream.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {

    private static final String EXPOSITION = String.join(
            "\n",
            "# HELP fleetstream_gateway_credentials Credentials currently known",
            "# TYPE fleetstream_gateway_credentials gauge",
            "fleetstream_gateway_credentials 12.0",
            "fleetstream_gateway_credentials_total 99.0",
            "fleetstream_streams_rules{state=\"enabled\",note=\"a } b\"} 2.0",
            "fleetstream_streams_rules{state=\"disabled\"} 1.0 1700000000000",
            "");

    @Test
    void readsAnUnlabelledGauge() {
        assertThat(PrometheusText.sum(EXPOSITION, "fleetstream_gateway_credentials"))
                .hasValue(12.0);
    }

    @Test
    void sumsEveryLabelSet() {
        assertThat(PrometheusText.sum(EXPOSITION, "fleetstream_streams_rules")).hasValue(3.0);
    }

    @Test
    void reportsAMissingMetricAsEmpty() {
        assertThat(PrometheusText.sum(EXPOSITION, "fleetstream_gateway")).isEmpty();
    }
}
