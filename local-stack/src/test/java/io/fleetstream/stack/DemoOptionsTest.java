package io.fleetstream.stack;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void defaultsToAllStationsAllDataAndDayLongRounds() {
        DemoOptions options = DemoOptions.parse();

        assertThat(options.stations()).isEqualTo(BeijingDataset.STATIONS);
        assertThat(options.from()).isEmpty();
        assertThat(options.to()).isEmpty();
        assertThat(options.batchHours()).isEqualTo(24);
        assertThat(options.exit()).isFalse();
    }

    @Test
    void parsesEveryOption() {
        DemoOptions options = DemoOptions.parse(
                "--exit",
                "--stations",
                "dongsi,Changping",
                "--from",
                "2015-12-01",
                "--to=2016-02-01",
                "--batch-hours",
                "6",
                "--work-dir",
                "/tmp/x",
                "--free-ports");

        assertThat(options.exit()).isTrue();
        assertThat(options.freePorts()).isTrue();
        assertThat(options.stations()).containsExactly("Dongsi", "Changping");
        assertThat(options.from()).contains(LocalDate.of(2015, 12, 1));
        assertThat(options.batchHours()).isEqualTo(6);
        assertThat(options.workDir()).isEqualTo(Optional.of(Path.of("/tmp/x")));
    }

    @Test
    void readsDatesAsBeijingMidnight() {
        DemoOptions options = DemoOptions.parse("--from", "2015-12-01", "--to", "2016-02-01");

        assertThat(options.fromInstant()).contains(Instant.parse("2015-11-30T16:00:00Z"));
        assertThat(options.toInstant()).contains(Instant.parse("2016-01-31T16:00:00Z"));
    }

    @Test
    void rejectsUnknownOptionsAndBadValues() {
        assertThatThrownBy(() -> DemoOptions.parse("--fast")).hasMessageContaining("unknown option '--fast'");
        assertThatThrownBy(() -> DemoOptions.parse("--batch-hours", "0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> DemoOptions.parse("--from", "2016-02-01", "--to", "2015-12-01"))
                .hasMessageContaining("must be before");
        assertThatThrownBy(() -> DemoOptions.parse("--from", "1.12.2015")).hasMessageContaining("2015-12-01");
        assertThatThrownBy(() -> DemoOptions.parse("--stations")).hasMessageContaining("needs a value");
    }

    @Test
    void givesTheProcessorAGracePeriodOfOneRoundPlusAnHour() {
        DemoOptions options = DemoOptions.parse("--batch-hours", "6");

        assertThat(DemoReplay.serviceOverrides(options).get(ServiceName.STREAM_PROCESSOR))
                .containsEntry("fleetstream.aggregation.grace", "7h")
                .containsEntry("fleetstream.aggregation.window-sizes", "1m,1h");
        assertThat(DemoReplay.serviceOverrides(options).get(ServiceName.INGEST_GATEWAY))
                .containsEntry("fleetstream.ingest.max-age", "20000d");
    }
}
