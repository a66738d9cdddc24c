package io.fleetstream.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.stack.BeijingDataset;
import io.fleetstream.stack.DemoOptions;
import io.fleetstream.stack.DemoReplay;
import io.fleetstream.stack.DemoResult;
import io.fleetstream.stack.LocalStack;
import io.fleetstream.stack.ServiceName;
import io.fleetstream.systemtest.CsvSlice.Episode;
import io.fleetstream.systemtest.CsvSlice.Key;
import io.fleetstream.systemtest.WinterSlice.StoredAlert;
import io.fleetstream.systemtest.WinterSlice.StoredValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.fleetstream.systemtest.WinterSlice.DEVICE_IDS;
import static io.fleetstream.systemtest.WinterSlice.FROM;
import static io.fleetstream.systemtest.WinterSlice.FROM_INSTANT;
import static io.fleetstream.systemtest.WinterSlice.STATIONS;
import static io.fleetstream.systemtest.WinterSlice.TO;
import static io.fleetstream.systemtest.WinterSlice.TO_INSTANT;
import static io.fleetstream.systemtest.WinterSlice.instant;
import static io.fleetstream.systemtest.WinterSlice.normalised;
import static io.fleetstream.systemtest.WinterSlice.storedAlerts;
import static io.fleetstream.systemtest.WinterSlice.storedValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Runs the demo replay on two stations over two winter months (December 2015 and January 2016, 2,976 rows with
 * 21 PM2.5 episodes above 300) through the whole stack, then checks what PostgreSQL holds against figures computed
 * from the CSV files by the test's own parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BeijingReplaySystemTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private LocalStack stack;
    private DemoResult result;
    private CsvSlice expected;

    @BeforeAll
    void replaySlice() throws IOException {
        DemoOptions options = DemoOptions.parse(
                "--stations", String.join(",", STATIONS), "--from", FROM, "--to", TO, "--batch-hours", "24");
        stack = LocalStack.builder()
                .workDir(Path.of("target", "stack"))
                .freePorts(true)
                .overrides(DemoReplay.serviceOverrides(options))
                .start();
        DemoReplay replay = new DemoReplay(stack, BeijingDataset.inRepo(stack.repoRoot()), options, System.out);
        result = replay.run();
        result.print(System.out, replay.mapper());
        expected = CsvSlice.read(
                stack.repoRoot().resolve("data").resolve("beijing-air-quality"), STATIONS, FROM_INSTANT, TO_INSTANT);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sliceHasTheEpisodesThisTestIsAbout() {
        assertThat(expected.values).hasSize(32_601);
        assertThat(expected.episodes("dongsi", 300, 200)).hasSize(13);
        assertThat(expected.episodes("changping", 300, 200)).hasSize(8);
    }

    @Test
    void storesEveryMetricValueExactlyOnceWithItsValue() throws SQLException {
        List<StoredValue> rows = storedValues(stack);
        Map<Key, Double> stored = new HashMap<>();
        rows.forEach(row -> stored.put(row.key(), row.value()));

        assertThat(rows).hasSize(expected.values.size());
        assertThat(stored).isEqualTo(normalised(expected.values));
    }

    @Test
    void countsEveryMetricAsTheCsvDoes() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement("SELECT metric, count(*) FROM telemetry.readings"
                        + " WHERE device_id = ANY (?) GROUP BY metric")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    counts.put(row.getString(1), row.getLong(2));
                }
            }
        }

        assertThat(counts).isEqualTo(expected.countsByMetric());
        assertThat(result.metricValuesByMetric()).isEqualTo(expected.countsByMetric());
    }

    @Test
    void keepsTheWindDirectionOfEveryHour() throws SQLException {
        Map<String, Map<Instant, String>> stored = new HashMap<>();
        DEVICE_IDS.forEach(id -> stored.put(id, new HashMap<>()));
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement("SELECT device_id, ts, attributes ->> 'wd'"
                        + " FROM telemetry.reading_attributes WHERE device_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    stored.get(row.getString(1)).put(instant(row, 2), row.getString(3));
                }
            }
        }

        assertThat(stored).isEqualTo(expected.windDirection);
    }

    @Test
    void aggregatesEveryHourIntoItsOwnHourAndMinuteWindows() throws SQLException {
        Map<Integer, Map<Key, List<Object>>> bySize = Map.of(60, new HashMap<>(), 3600, new HashMap<>());
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement("SELECT device_id, metric, window_size_seconds,"
                        + " window_start, window_end, count, min, max, sum, avg FROM telemetry.window_aggregates"
                        + " WHERE device_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    Instant start = instant(row, 4);
                    Instant end = instant(row, 5);
                    bySize.get(row.getInt(3))
                            .put(
                                    new Key(row.getString(1), row.getString(2), start),
                                    List.of(
                                            Duration.between(start, end),
                                            row.getLong(6),
                                            normalised(row.getDouble(7)),
                                            normalised(row.getDouble(8)),
                                            normalised(row.getDouble(9)),
                                            normalised(row.getDouble(10))));
                }
            }
        }

        // One value per window: count 1, and min, max, sum and average all equal to the hourly value.
        for (int size : List.of(60, 3600)) {
            Map<Key, List<Object>> want = new HashMap<>();
            expected.values.forEach((key, value) -> {
                double v = normalised(value);
                want.put(key, List.of(Duration.ofSeconds(size), 1L, v, v, v, v));
            });
            assertThat(bySize.get(size))
                    .as("aggregates of %d-second windows", size)
                    .isEqualTo(want);
        }
        assertThat(result.aggregatesByWindow())
                .containsEntry("1m", (long) expected.values.size())
                .containsEntry("1h", (long) expected.values.size());
    }

    @Test
    void raisesAndClearsAlertsAsHysteresisOnHourlyPm25Says() throws SQLException {
        List<StoredAlert> alerts = storedAlerts(stack);
        List<Episode> stored = alerts.stream().map(StoredAlert::episode).toList();
        List<String> alertIds = alerts.stream().map(StoredAlert::alertId).toList();
        assertThat(alerts)
                .extracting(StoredAlert::ruleName, StoredAlert::metric, StoredAlert::severity)
                .containsOnly(tuple(DemoReplay.RULE_NAME, "PM2.5", "CRITICAL"));

        assertThat(stored).containsExactlyElementsOf(expectedEpisodes());
        assertThat(alertIds).doesNotContainNull().doesNotHaveDuplicates();
        for (String deviceId : DEVICE_IDS) {
            List<Episode> episodes = expected.episodes(deviceId, 300, 200);
            long cleared = episodes.stream().filter(e -> e.clearedAt() != null).count();
            assertThat(result.alertsByStation().get(deviceId))
                    .isEqualTo(new DemoResult.AlertCounts(episodes.size(), cleared));
        }
    }

    @Test
    void queryApiListsTheSameAlerts() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI base = stack.baseUri(ServiceName.QUERY_API);
        List<Episode> listed = new ArrayList<>();
        for (String deviceId : DEVICE_IDS) {
            String cursor = null;
            do {
                String uri = "/v1/alerts?deviceId=" + deviceId + "&limit=5"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(base.resolve(uri))
                                .header("Authorization", "Bearer " + stack.adminKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode())
                        .as("GET %s: %s", uri, response.body())
                        .isEqualTo(200);
                JsonNode page = mapper.readTree(response.body());
                for (JsonNode item : page.path("items")) {
                    JsonNode clearedAt = item.path("clearedAt");
                    JsonNode clearValue = item.path("clearValue");
                    listed.add(new Episode(
                            item.path("deviceId").asText(),
                            Instant.parse(item.path("raisedAt").asText()),
                            item.path("raiseValue").asDouble(),
                            clearedAt.isNull() || clearedAt.isMissingNode() ? null : Instant.parse(clearedAt.asText()),
                            clearValue.isNull() || clearValue.isMissingNode() ? null : clearValue.asDouble()));
                    assertThat(item.path("state").asText())
                            .isEqualToIgnoringCase(
                                    clearedAt.isNull() || clearedAt.isMissingNode() ? "open" : "cleared");
                }
                cursor = page.path("hasMore").asBoolean()
                        ? page.path("nextCursor").asText()
                        : null;
            } while (cursor != null);
        }

        listed.sort((a, b) -> a.deviceId().equals(b.deviceId())
                ? a.raisedAt().compareTo(b.raisedAt())
                : a.deviceId().compareTo(b.deviceId()));
        assertThat(listed).containsExactlyElementsOf(expectedEpisodes());
    }

    @Test
    void summaryAccountsForEveryRow() {
        assertThat(result.rowsRead()).isEqualTo(2 * 1488);
        assertThat(result.rowsSkipped()).isZero();
        assertThat(result.readingsAccepted() + result.readingsDuplicate()).isEqualTo(2 * 1488);
        assertThat(result.metricValuesAccepted()).isEqualTo(expected.values.size());
        assertThat(result.metricValuesStored()).isEqualTo(expected.values.size());
        assertThat(result.aggregatesStored()).isEqualTo(2L * expected.values.size());
        // The rounds keep every reading within the grace period: none may be late or dead-lettered.
        assertThat(result.lateReadings()).isIn(null, 0L);
        assertThat(result.deadLettered()).isIn(null, 0L);
    }

    private List<Episode> expectedEpisodes() {
        return WinterSlice.expectedEpisodes(expected, DemoReplay.RAISE_THRESHOLD, DemoReplay.CLEAR_THRESHOLD);
    }

    private Connection connect() throws SQLException {
        return WinterSlice.connect(stack);
    }
}
