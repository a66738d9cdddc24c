package io.fleetstream.stack;

import io.fleetstream.stack.BeijingDataset.Row;
import io.fleetstream.stack.BeijingDataset.StationReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BeijingDatasetTest {

    private static final String HEADER =
            "\"No\",\"year\",\"month\",\"day\",\"hour\",\"PM2.5\",\"PM10\",\"SO2\",\"NO2\","
                    + "\"CO\",\"O3\",\"TEMP\",\"PRES\",\"DEWP\",\"RAIN\",\"wd\",\"WSPM\",\"station\"";

    @TempDir
    Path dir;

    @Test
    void stampsEachRowWithItsBeijingHour() throws IOException {
        write("Dongsi", "1,2013,3,1,0,9,9,3,17,300,89,-0.5,1024.5,-21.4,0,\"NNW\",5.7,\"Dongsi\"");

        List<Row> rows = readAll("Dongsi");

        assertThat(rows).hasSize(1);
        assertThat(Instant.ofEpochMilli(rows.get(0).ts())).isEqualTo(Instant.parse("2013-02-28T16:00:00Z"));
    }

    @Test
    void keepsEveryNumericColumnUnderItsOwnNameAndTheWindDirectionAsAttribute() throws IOException {
        write("Dongsi", "1,2013,3,1,0,9,9,3,17,300,89,-0.5,1024.5,-21.4,0,\"NNW\",5.7,\"Dongsi\"");

        Row row = readAll("Dongsi").get(0);

        assertThat(row.metrics())
                .containsExactly(
                        Map.entry("PM2.5", 9.0),
                        Map.entry("PM10", 9.0),
                        Map.entry("SO2", 3.0),
                        Map.entry("NO2", 17.0),
                        Map.entry("CO", 300.0),
                        Map.entry("O3", 89.0),
                        Map.entry("TEMP", -0.5),
                        Map.entry("PRES", 1024.5),
                        Map.entry("DEWP", -21.4),
                        Map.entry("RAIN", 0.0),
                        Map.entry("WSPM", 5.7));
        assertThat(row.attributes()).containsExactly(Map.entry("wd", "NNW"));
        assertThat(row.line()).isEqualTo(2);
    }

    @Test
    void leavesOutMissingValuesAndAMissingWindDirection() throws IOException {
        write("Dongsi", "7,2013,3,1,6,NA,12,NA,NA,NA,NA,-1.2,1025,-20,0,NA,NA,\"Dongsi\"");

        Row row = readAll("Dongsi").get(0);

        assertThat(row.metrics()).containsOnlyKeys("PM10", "TEMP", "PRES", "DEWP", "RAIN");
        assertThat(row.attributes()).isEmpty();
        assertThat(row.sendable()).isTrue();
    }

    @Test
    void marksARowWithoutAnyNumericValueAsNotSendable() throws IOException {
        write("Dongsi", "9,2013,3,1,8,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,\"N\",NA,\"Dongsi\"");

        Row row = readAll("Dongsi").get(0);

        assertThat(row.metrics()).isEmpty();
        assertThat(row.sendable()).isFalse();
    }

    @Test
    void readsExponentNotation() throws IOException {
        write("Dongsi", "1,2014,1,1,0,1e-04,9,3,17,300,89,-0.5,1024.5,-21.4,0,\"NNW\",5.7,\"Dongsi\"");

        assertThat(readAll("Dongsi").get(0).metrics()).containsEntry("PM2.5", 1e-4);
    }

    @Test
    void namesFileAndLineOfAMalformedRow() throws IOException {
        write(
                "Dongsi",
                "1,2013,3,1,0,9,9,3,17,300,89,-0.5,1024.5,-21.4,0,\"NNW\",5.7,\"Dongsi\"",
                "2,2013,3,1,1,abc,9,3,17,300,89,-0.5,1024.5,-21.4,0,\"NNW\",5.7,\"Dongsi\"");

        assertThatThrownBy(() -> readAll("Dongsi"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("PM2.5");
    }

    @Test
    void resolvesStationNamesInAnyCase() {
        assertThat(BeijingDataset.station("dongsi")).isEqualTo("Dongsi");
        assertThat(BeijingDataset.deviceId("Aotizhongxin")).isEqualTo("aotizhongxin");
        assertThatThrownBy(() -> BeijingDataset.station("Paris")).hasMessageContaining("unknown station 'Paris'");
    }

    @Test
    void readsTheShippedFilesCompletely() {
        BeijingDataset dataset = BeijingDataset.inRepo(RepoRoot.locate());
        long rows = 0;
        Row first = null;
        Row last = null;
        try (StationReader reader = dataset.open("Changping")) {
            while (reader.hasNext()) {
                Row row = reader.next();
                if (first == null) {
                    first = row;
                }
                last = row;
                rows++;
            }
        }

        assertThat(rows).isEqualTo(35_064);
        assertThat(Instant.ofEpochMilli(first.ts())).isEqualTo(Instant.parse("2013-02-28T16:00:00Z"));
        assertThat(Instant.ofEpochMilli(last.ts())).isEqualTo(Instant.parse("2017-02-28T15:00:00Z"));
    }

    private void write(String station, String... lines) throws IOException {
        Path file = dir.resolve("PRSA_Data_" + station + "_20130301-20170228.csv.gz");
        StringBuilder text = new StringBuilder(HEADER).append("\r\n");
        for (String line : lines) {
            text.append(line).append("\r\n");
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private List<Row> readAll(String station) {
        List<Row> rows = new ArrayList<>();
        try (StationReader reader = BeijingDataset.at(dir).open(station)) {
            reader.forEachRemaining(rows::add);
        }
        return rows;
    }
}
