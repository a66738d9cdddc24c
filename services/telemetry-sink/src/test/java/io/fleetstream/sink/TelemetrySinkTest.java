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
import org.apache.kafka.clients.producer.RecordMetadata;
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
    void storesTheRestOfABatchAndDeadLettersEachRecordPostgresRefuses() throws Exception {
        Map<String, Double> deadBefore = deadLetteredByTopic();
        EnrichedReading withAttributes = reading("dev-nul-a", "2024-10-01T00:00:00Z", Map.of("temp", 1.0));
        withAttributes.setAttributes(Map.of("fw", "1.2.0"));
        // jsonb has no text form for \u0000 (SQLSTATE 22P05), text columns refuse the byte 0x00 (22021).
        EnrichedReading nulAttribute = reading("dev-nul-a", "2024-10-01T00:00:01Z", Map.of("temp", 2.0));
        nulAttribute.setAttributes(Map.of("fw", "1.2\u00000"));
        EnrichedReading nulMetric = reading("dev-nul-c", "2024-10-01T00:00:01Z", Map.of("te\u0000mp", 3.0));
        AlertEvent nulRule =
                alert("alert-nul-bad", AlertState.RAISED, "dev-nul-b", "2024-10-01T00:05:00Z", "2024-10-01T00:05:00Z");
        nulRule.setRuleName("over\u0000heat");
        Duration minute = Duration.ofMinutes(1);

        List<RecordMetadata> good = new ArrayList<>();
        Map<String, RecordMetadata> bad = new LinkedHashMap<>();
        // With the consumer stopped the records wait in Kafka, and its first poll takes them as one batch.
        consumer.stop();
        try {
            good.add(KAFKA.send(withAttributes));
            good.add(KAFKA.send(reading("dev-nul-b", "2024-10-01T00:00:00Z", Map.of("temp", 10.0))));
            bad.put("telemetry.reading_attributes, SQLSTATE 22P05", KAFKA.send(nulAttribute));
            good.add(KAFKA.send(reading("dev-nul-a", "2024-10-01T00:00:02Z", Map.of("temp", 4.0))));
            bad.put("telemetry.readings, SQLSTATE 22021", KAFKA.send(nulMetric));
            good.add(KAFKA.send(reading("dev-nul-c", "2024-10-01T00:00:02Z", Map.of("temp", 5.0, "hum", 50.0))));
            good.add(KAFKA.send(aggregate("dev-nul-b", "temp", minute, "2024-10-01T00:00:00Z")));
            bad.put(
                    "telemetry.window_aggregates, SQLSTATE 22021",
                    KAFKA.send(aggregate("dev-nul-b", "te\u0000mp", minute, "2024-10-01T00:01:00Z")));
            good.add(KAFKA.send(alert(
                    "alert-nul-ok", AlertState.RAISED, "dev-nul-b", "2024-10-01T00:04:00Z", "2024-10-01T00:04:00Z")));
            bad.put("telemetry.alerts, SQLSTATE 22021", KAFKA.send(nulRule));
        } finally {
            consumer.start();
        }

        // The consumer goes on: a record sent afterwards is stored, and the batch's offsets are committed.
        KAFKA.send(reading("dev-nul-later", "2024-10-01T00:10:00Z", Map.of("temp", 6.0)));
        awaitCount("SELECT count(*) FROM telemetry.readings WHERE device_id = 'dev-nul-later'", 1);
        List<RecordMetadata> batch = new ArrayList<>(good);
        batch.addAll(bad.values());
        awaitCommittedPast(batch);

        assertThat(rows("SELECT device_id, metric, ts, value FROM telemetry.readings"
                        + " WHERE device_id IN ('dev-nul-a', 'dev-nul-b', 'dev-nul-c') ORDER BY device_id, ts, metric"))
                .containsExactly(
                        List.of("dev-nul-a", "temp", Instant.parse("2024-10-01T00:00:00Z"), 1.0),
                        List.of("dev-nul-a", "temp", Instant.parse("2024-10-01T00:00:02Z"), 4.0),
                        List.of("dev-nul-b", "temp", Instant.parse("2024-10-01T00:00:00Z"), 10.0),
                        List.of("dev-nul-c", "hum", Instant.parse("2024-10-01T00:00:02Z"), 50.0),
                        List.of("dev-nul-c", "temp", Instant.parse("2024-10-01T00:00:02Z"), 5.0));
        assertThat(rows("SELECT ts, attributes->>'fw' FROM telemetry.reading_attributes WHERE device_id = 'dev-nul-a'"))
                .containsExactly(List.of(Instant.parse("2024-10-01T00:00:00Z"), "1.2.0"));
        assertThat(rows("SELECT metric, window_start FROM telemetry.window_aggregates WHERE device_id = 'dev-nul-b'"))
                .containsExactly(List.of("temp", Instant.parse("2024-10-01T00:00:00Z")));
        // The refused alert leaves nothing behind, not even the event written before its alert row failed.
        assertThat(rows("SELECT alert_id FROM telemetry.alerts WHERE device_id = 'dev-nul-b'"))
                .containsExactly(List.of("alert-nul-ok"));
        assertThat(rows("SELECT alert_id FROM telemetry.alert_events WHERE alert_id LIKE 'alert-nul-%'"))
                .containsExactly(List.of("alert-nul-ok"));

        List<ConsumerRecord<String, byte[]>> dead = readDeadLetterTopic();
        for (Map.Entry<String, RecordMetadata> refused : bad.entrySet()) {
            RecordMetadata source = refused.getValue();
            List<ConsumerRecord<String, byte[]>> copies = dead.stream()
                    .filter(record -> source.topic()
                                    .equals(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                            && String.valueOf(source.partition())
                                    .equals(DeadLetterHeaders.read(
                                            record.headers(), DeadLetterHeaders.SOURCE_PARTITION))
                            && String.valueOf(source.offset())
                                    .equals(DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.SOURCE_OFFSET)))
                    .toList();
            assertThat(copies).as("dead-letter copies of %s", refused.getKey()).hasSize(1);
            String reason = DeadLetterHeaders.read(copies.get(0).headers(), DeadLetterHeaders.REASON);
            assertThat(reason)
                    .startsWith("PostgreSQL refused the record: table " + refused.getKey() + ": ")
                    .doesNotContain("\n", "\tat ");
            assertThat(DeadLetterHeaders.read(copies.get(0).headers(), DeadLetterHeaders.STAGE))
                    .isEqualTo("telemetry-sink");
        }
        assertThat(dead.stream()
                        .filter(record -> record.key() != null && record.key().startsWith("dev-nul-"))
                        .count())
                .isEqualTo(bad.size());
        Map<String, Double> deadAfter = deadLetteredByTopic();
        assertThat(deadAfter.getOrDefault(Topics.TELEMETRY_ENRICHED, 0.0)
                        - deadBefore.getOrDefault(Topics.TELEMETRY_ENRICHED, 0.0))
                .isEqualTo(2.0);
        assertThat(deadAfter.getOrDefault(Topics.aggregates(minute), 0.0)
                        - deadBefore.getOrDefault(Topics.aggregates(minute), 0.0))
                .isEqualTo(1.0);
        assertThat(deadAfter.getOrDefault(Topics.ALERTS, 0.0) - deadBefore.getOrDefault(Topics.ALERTS, 0.0))
                .isEqualTo(1.0);
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
        // A missing table (SQLSTATE 42P01) is not the record's fault: it waited, and was never dead-lettered.
        assertThat(readDeadLetterTopic()).noneMatch(record -> "dev-outage".equals(record.key()));
    }

    @Test
    void deadLettersARefusedRecordOnceWhenItsBatchIsRetried() throws Exception {
        byte[] poison = "not an aggregate".getBytes(StandardCharsets.UTF_8);
        Duration minute = Duration.ofMinutes(1);
        List<RecordMetadata> batch = new ArrayList<>();
        // Stopped consumer: both records wait on one partition, so the first attempt holds both of them.
        consumer.stop();
        execute("ALTER TABLE telemetry.window_aggregates RENAME TO window_aggregates_away");
        try {
            try {
                batch.add(KAFKA.send(aggregate("dev-retry-dlq", "temp", minute, "2024-11-01T00:00:00Z")));
                batch.add(KAFKA.send(Topics.aggregates(minute), "dev-retry-dlq", poison));
            } finally {
                consumer.start();
            }
            // The first attempt dead-letters the poison, then fails on the missing table and is retried.
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        } finally {
            execute("ALTER TABLE telemetry.window_aggregates_away RENAME TO window_aggregates");
        }
        awaitCount("SELECT count(*) FROM telemetry.window_aggregates WHERE device_id = 'dev-retry-dlq'", 1);
        awaitCommittedPast(batch);

        assertThat(readDeadLetterTopic())
                .filteredOn(record -> "dev-retry-dlq".equals(record.key()))
                .singleElement()
                .satisfies(record -> assertThat(record.value()).isEqualTo(poison));
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

    /** Every record on the dead-letter topic up to its end at the time of the call. */
    private static List<ConsumerRecord<String, byte[]>> readDeadLetterTopic() {
        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedInfra.kafka().bootstrapServers()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = dlq.partitionsFor(Topics.DEAD_LETTER_SINK).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            dlq.assign(partitions);
            dlq.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = dlq.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(partition -> dlq.position(partition) >= end.get(partition));
            });
            return records;
        }
    }

    /** Waits until the sink's group has committed offsets beyond every one of the given records. */
    private void awaitCommittedPast(List<RecordMetadata> records) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get();
                for (RecordMetadata record : records) {
                    OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                    assertThat(offset).as("committed offset of %s", record).isNotNull();
                    assertThat(offset.offset())
                            .as("committed offset of %s", record)
                            .isGreaterThan(record.offset());
                }
            });
        }
    }

    /** fleetstream_sink_records_dead_lettered_total by source topic. */
    private static Map<String, Double> deadLetteredByTopic() {
        Map<String, Double> counts = new HashMap<>();
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .lines()
                .filter(line -> line.startsWith("fleetstream_sink_records_dead_lettered_total{"))
                .forEach(line -> {
                    int start = line.indexOf("topic=\"") + "topic=\"".length();
                    String topic = line.substring(start, line.indexOf('"', start));
                    counts.merge(topic, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                });
        return counts;
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
