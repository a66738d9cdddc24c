package io.fleetstream.sink;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Topics;
import io.fleetstream.sink.config.SinkSettings;
import io.fleetstream.sink.kafka.TelemetrySinkConsumer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fleetstream.sink.SinkFixtures.aggregate;
import static io.fleetstream.sink.SinkFixtures.alert;
import static io.fleetstream.sink.SinkFixtures.reading;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs =
                @io.quarkus.test.common.ResourceArg(
                        name = FleetstreamInfraResource.TOPICS,
                        value = "fleet.telemetry.enriched:6,fleet.telemetry.agg.1m:6,fleet.telemetry.agg.1h:6,"
                                + "fleet.alerts:6,fleet.dlq.telemetry-sink:1"))
class TelemetrySinkTest {

    private static final SinkFixtures KAFKA = new SinkFixtures();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TelemetrySinkConsumer consumer;

    @Inject
    SinkSettings settings;

    @AfterAll
    static void closeProducer() {
        KAFKA.close();
    }

    @BeforeEach
    void sinkIsReady() {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void writesOneRowPerMetricWithAttributes() throws SQLException {
        EnrichedReading reading = reading("dev-rows", "2024-03-05T10:00:00.123Z", Map.of("temp", 21.5, "hum", 40.0));
        reading.setMessageId("msg-1");
        reading.setAttributes(Map.of("fw", "1.2.0"));
        KAFKA.send(reading);

        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-rows'", 2);
        assertThat(rows("SELECT metric, value, ts, received_at, message_id FROM telemetry.readings"
                        + " WHERE device_id = 'dev-rows' ORDER BY metric"))
                .containsExactly(
                        List.of(
                                "hum",
                                40.0,
                                Instant.parse("2024-03-05T10:00:00.123Z"),
                                Instant.parse("2024-03-05T10:00:00.373Z"),
                                "msg-1"),
                        List.of(
                                "temp",
                                21.5,
                                Instant.parse("2024-03-05T10:00:00.123Z"),
                                Instant.parse("2024-03-05T10:00:00.373Z"),
                                "msg-1"));
        assertThat(rows("SELECT attributes->>'fw' FROM telemetry.reading_attributes WHERE device_id = 'dev-rows'"))
                .containsExactly(List.of("1.2.0"));
    }

    @Test
    void keepsFirstValueForDuplicateReading() throws SQLException {
        KAFKA.send(reading("dev-dup", "2024-04-01T00:00:00Z", Map.of("temp", 1.0)));
        KAFKA.send(reading("dev-dup", "2024-04-01T00:00:00Z", Map.of("temp", 2.0)));
        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-dup'", 1);
        // A duplicate arriving in a later batch must not win either.
        KAFKA.send(reading("dev-dup", "2024-04-01T00:00:00Z", Map.of("temp", 3.0)));
        KAFKA.send(reading("dev-dup", "2024-04-01T00:01:00Z", Map.of("temp", 9.0)));
        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-dup'", 2);

        assertThat(rows("SELECT value FROM telemetry.readings WHERE device_id = 'dev-dup' ORDER BY ts"))
                .containsExactly(List.of(1.0), List.of(9.0));
    }

    @Test
    void writesWindowAggregatesWithSizeInSeconds() throws SQLException {
        KAFKA.send(aggregate("dev-agg", "temp", Duration.ofMinutes(1), "2024-05-01T10:01:00Z"));
        KAFKA.send(aggregate("dev-agg", "temp", Duration.ofHours(1), "2024-05-01T10:00:00Z"));

        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-agg'", 2);
        assertThat(rows("SELECT window_size_seconds, window_start, window_end, count, min, max, sum, avg, device_type"
                        + " FROM telemetry.window_aggregates WHERE device_id = 'dev-agg' ORDER BY window_size_seconds"))
                .containsExactly(
                        List.of(
                                60,
                                Instant.parse("2024-05-01T10:01:00Z"),
                                Instant.parse("2024-05-01T10:02:00Z"),
                                4L,
                                1.0,
                                4.0,
                                10.0,
                                2.5,
                                "thermostat"),
                        List.of(
                                3600,
                                Instant.parse("2024-05-01T10:00:00Z"),
                                Instant.parse("2024-05-01T11:00:00Z"),
                                4L,
                                1.0,
                                4.0,
                                10.0,
                                2.5,
                                "thermostat"));
    }

    @Test
    void clearedEventClosesItsAlertInSameAndLaterBatch() throws SQLException {
        // Episode A: RAISED and CLEARED sent back to back, most likely in one batch.
        KAFKA.send(alert("alert-a", AlertState.RAISED, "dev-alert", "2024-06-01T10:05:00Z", "2024-06-01T10:05:00Z"));
        KAFKA.send(alert("alert-a", AlertState.CLEARED, "dev-alert", "2024-06-01T10:05:00Z", "2024-06-01T10:09:00Z"));
        // Episode B: CLEARED only after the RAISED row is visible, so certainly in a later batch.
        KAFKA.send(alert("alert-b", AlertState.RAISED, "dev-alert", "2024-06-01T11:00:00Z", "2024-06-01T11:00:00Z"));
        awaitCount("SELECT count(*) FROM telemetry.alerts WHERE alert_id = 'alert-b'", 1);
        KAFKA.send(alert("alert-b", AlertState.CLEARED, "dev-alert", "2024-06-01T11:00:00Z", "2024-06-01T11:30:00Z"));

        awaitCount("SELECT count(*) FROM telemetry.alerts WHERE device_id = 'dev-alert' AND cleared_at IS NOT NULL", 2);
        assertThat(rows("SELECT alert_id, severity, aggregation, window_size_seconds, raised_at, raise_value,"
                        + " raise_threshold, cleared_at, clear_value, clear_threshold FROM telemetry.alerts"
                        + " WHERE device_id = 'dev-alert' ORDER BY alert_id"))
                .containsExactly(
                        List.of(
                                "alert-a",
                                "CRITICAL",
                                "AVG",
                                60,
                                Instant.parse("2024-06-01T10:05:00Z"),
                                81.5,
                                80.0,
                                Instant.parse("2024-06-01T10:09:00Z"),
                                64.0,
                                65.0),
                        List.of(
                                "alert-b",
                                "CRITICAL",
                                "AVG",
                                60,
                                Instant.parse("2024-06-01T11:00:00Z"),
                                81.5,
                                80.0,
                                Instant.parse("2024-06-01T11:30:00Z"),
                                64.0,
                                65.0));
        assertThat(rows("SELECT alert_id, state, event_time FROM telemetry.alert_events"
                        + " WHERE alert_id IN ('alert-a', 'alert-b') ORDER BY alert_id, event_time"))
                .containsExactly(
                        List.of("alert-a", "RAISED", Instant.parse("2024-06-01T10:05:00Z")),
                        List.of("alert-a", "CLEARED", Instant.parse("2024-06-01T10:09:00Z")),
                        List.of("alert-b", "RAISED", Instant.parse("2024-06-01T11:00:00Z")),
                        List.of("alert-b", "CLEARED", Instant.parse("2024-06-01T11:30:00Z")));
    }

    @Test
    void keepsHighestRevisionOfAWindowAndFirstValueAtTheSameRevision() throws SQLException {
        Duration minute = Duration.ofMinutes(1);
        String start = "2024-05-02T08:00:00Z";
        double duplicatesBefore = duplicates("window_aggregates");
        // Same batch in all likelihood: revision 0, then its correction, then a conflicting copy of revision 0.
        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 0, 4, 10.0));
        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 1, 5, 16.0));
        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 0, 9, 99.0));
        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-rev' AND revision = 1", 1);

        // Later batches: an older revision never overwrites, a second value at the stored revision loses, a newer wins.
        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 0, 7, 70.0));
        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 1, 8, 80.0));
        KAFKA.send(aggregate("dev-rev", "temp", minute, "2024-05-02T08:01:00Z", 0, 1, 1.0));
        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-rev'", 2);
        assertThat(rows("SELECT revision, count, sum, avg FROM telemetry.window_aggregates"
                        + " WHERE device_id = 'dev-rev' AND window_start = '" + start + "'"))
                .containsExactly(List.of(1, 5L, 16.0, 3.2));

        KAFKA.send(aggregate("dev-rev", "temp", minute, start, 2, 6, 18.0));
        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-rev' AND revision = 2", 1);
        assertThat(rows("SELECT revision, count, sum, avg FROM telemetry.window_aggregates"
                        + " WHERE device_id = 'dev-rev' AND window_start = '" + start + "'"))
                .containsExactly(List.of(2, 6L, 18.0, 3.0));
        // At least one conflicting revision 0 in the first batch, then the stale revisions 0 and 1 in later ones.
        assertThat(duplicates("window_aggregates") - duplicatesBefore).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void storesRuleKindAndKeepsTheCauseOfAClearNotCausedByTheClearCondition() throws SQLException {
        AlertEvent raised =
                alert("alert-cause", AlertState.RAISED, "dev-cause", "2024-06-02T10:00:00Z", "2024-06-02T10:00:00Z");
        raised.setRuleKind(RuleKind.RATE_OF_CHANGE);
        AlertEvent cleared =
                alert("alert-cause", AlertState.CLEARED, "dev-cause", "2024-06-02T10:00:00Z", "2024-06-02T10:20:00Z");
        cleared.setRuleKind(RuleKind.RATE_OF_CHANGE);
        cleared.setCause("RULE_DELETED");
        KAFKA.send(raised);
        awaitCount("SELECT count(*) FROM telemetry.alerts WHERE alert_id = 'alert-cause'", 1);
        assertThat(rows("SELECT rule_kind, cleared_at, cause FROM telemetry.alerts WHERE alert_id = 'alert-cause'"))
                .containsExactly(Arrays.asList("RATE_OF_CHANGE", null, null));
        KAFKA.send(cleared);

        awaitCount(
                "SELECT count(*) FROM telemetry.alerts WHERE alert_id = 'alert-cause' AND cleared_at IS NOT NULL", 1);
        assertThat(rows("SELECT rule_kind, cleared_at, clear_value, cause FROM telemetry.alerts"
                        + " WHERE alert_id = 'alert-cause'"))
                .containsExactly(
                        List.of("RATE_OF_CHANGE", Instant.parse("2024-06-02T10:20:00Z"), 64.0, "RULE_DELETED"));
        assertThat(rows("SELECT state, rule_kind, cause FROM telemetry.alert_events WHERE alert_id = 'alert-cause'"
                        + " ORDER BY event_time"))
                .containsExactly(
                        Arrays.asList("RAISED", "RATE_OF_CHANGE", null),
                        List.of("CLEARED", "RATE_OF_CHANGE", "RULE_DELETED"));
    }

    @Test
    void deadLettersUndecodableRecordAndWritesTheRest() throws SQLException {
        byte[] poison = "not avro at all".getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<String, byte[]> dlq = deadLetterConsumer()) {
            KAFKA.send(reading("dev-poison", "2024-07-01T00:00:00Z", Map.of("temp", 1.0)));
            KAFKA.send(Topics.TELEMETRY_ENRICHED, "dev-poison", poison);
            KAFKA.send(reading("dev-poison", "2024-07-01T00:00:01Z", Map.of("temp", 2.0)));

            awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-poison'", 2);
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(record -> {
                    if ("dev-poison".equals(record.key())) {
                        dead.add(record);
                    }
                });
                return !dead.isEmpty();
            });
            ConsumerRecord<String, byte[]> record = dead.get(0);
            assertThat(record.value()).isEqualTo(poison);
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo(Topics.TELEMETRY_ENRICHED);
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.STAGE))
                    .isEqualTo("telemetry-sink");
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.REASON))
                    .contains("not Avro single-object encoding");
            assertThat(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                    .matches("[0-9]+");
        }
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "fleetstream_sink_records_dead_lettered_total{topic=\"fleet.telemetry.enriched\"}"));
    }

    @Test
    void createsMonthlyPartitionsFor2013And2017() throws SQLException {
        KAFKA.send(reading("dev-months", "2013-01-15T08:00:00Z", Map.of("temp", 1.0)));
        KAFKA.send(reading("dev-months", "2013-12-31T23:59:59.999Z", Map.of("temp", 2.0)));
        KAFKA.send(reading("dev-months", "2017-06-01T00:00:00Z", Map.of("temp", 3.0)));

        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-months'", 3);
        assertThat(rows("SELECT tableoid::regclass::text, value FROM telemetry.readings"
                        + " WHERE device_id = 'dev-months' ORDER BY ts"))
                .containsExactly(
                        List.of("telemetry.readings_p201301", 1.0),
                        List.of("telemetry.readings_p201312", 2.0),
                        List.of("telemetry.readings_p201706", 3.0));
    }

    @Test
    void retriesBatchWhileDatabaseRejectsIt() throws SQLException {
        execute("ALTER TABLE telemetry.window_aggregates RENAME TO window_aggregates_away");
        try {
            KAFKA.send(aggregate("dev-outage", "temp", Duration.ofMinutes(1), "2024-08-01T00:00:00Z"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        } finally {
            execute("ALTER TABLE telemetry.window_aggregates_away RENAME TO window_aggregates");
        }
        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-outage'", 1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void replaysFromEarliestAfterRestartWithoutDuplicates() throws Exception {
        KAFKA.send(reading("dev-replay", "2024-09-01T00:00:00Z", Map.of("temp", 1.0, "hum", 2.0)));
        KAFKA.send(alert("alert-r", AlertState.RAISED, "dev-replay", "2024-09-01T00:05:00Z", "2024-09-01T00:05:00Z"));
        KAFKA.send(alert("alert-r", AlertState.CLEARED, "dev-replay", "2024-09-01T00:05:00Z", "2024-09-01T00:09:00Z"));
        awaitCount("SELECT count(*) FROM telemetry.alerts WHERE alert_id = 'alert-r' AND cleared_at IS NOT NULL", 1);
        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-replay'", 2);

        consumer.stop();
        Map<String, Long> before = tableCounts();
        rewindGroupToEarliest();
        consumer.start();

        KAFKA.send(reading("dev-replay", "2024-09-01T00:10:00Z", Map.of("temp", 5.0)));
        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-replay'", 3);
        Map<String, Long> after = tableCounts();
        before.merge("readings", 1L, Long::sum);
        assertThat(after).isEqualTo(before);
        assertThat(rows("SELECT cleared_at FROM telemetry.alerts WHERE alert_id = 'alert-r'"))
                .containsExactly(List.of(Instant.parse("2024-09-01T00:09:00Z")));
    }

    private void rewindGroupToEarliest() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.kafka().bootstrapServers()))) {
            // The group empties once the stopped consumer has left; only then may its offsets be changed.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, OffsetAndMetadata> earliest = new HashMap<>();
                committed.keySet().forEach(partition -> earliest.put(partition, new OffsetAndMetadata(0)));
                admin.alterConsumerGroupOffsets(settings.groupId(), earliest)
                        .all()
                        .get();
            });
        }
    }

    private Map<String, Long> tableCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("readings", "reading_attributes", "window_aggregates", "alerts", "alert_events")) {
            counts.put(table, (Long)
                    rows("SELECT count(*) FROM telemetry." + table).get(0).get(0));
        }
        counts.put("cleared", (Long) rows("SELECT count(*) FROM telemetry.alerts WHERE cleared_at IS NOT NULL")
                .get(0)
                .get(0));
        return counts;
    }

    private static KafkaConsumer<String, byte[]> deadLetterConsumer() {
        KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedInfra.kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "sink-test-dlq-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        dlq.subscribe(List.of(Topics.DEAD_LETTER_SINK));
        return dlq;
    }

    private static double duplicates(String table) {
        return given().get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .filter(line -> line.startsWith("fleetstream_sink_rows_duplicate_total{")
                        && line.contains("table=\"" + table + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private void awaitCount(String sql, long expected) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(rows(sql).get(0).get(0)).isEqualTo(expected));
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    if (value instanceof java.time.OffsetDateTime time) {
                        value = time.toInstant();
                    } else if (value instanceof java.sql.Timestamp time) {
                        value = time.toInstant();
                    }
                    row.add(value);
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
