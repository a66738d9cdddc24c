package io.fleetstream.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.Topics;
import io.fleetstream.stack.LocalStack;
import io.fleetstream.stack.ServiceName;
import io.fleetstream.stack.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Verifies, with the real registry and the real gateway as separate processes, that suspending, reactivating,
 * rotating and revoking reach the edge within seconds while a device keeps sending, and that exactly the readings
 * answered 202 are on the raw topic and in PostgreSQL.
 *
 * <p>The device sends one reading per request, each with its own messageId and an explicit timestamp one second
 * after the previous one, and keeps sending across every change; each change is timed from the registry's answer to
 * the first request the gateway answers differently. Finally the device is decommissioned and deleted, the stream
 * processor is killed and restarted, and a reading of the deleted device still arriving on the raw topic must be
 * dead-lettered as from an unknown device, not enriched with the deleted record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceLifecycleSystemTest {

    private static final String TYPE = "lifecycle-probe";
    private static final String DEVICE = "probe-1";
    private static final String METRIC = "temperature";
    private static final Instant FIRST_TS = Instant.parse("2026-12-01T00:00:00Z");

    /** Longest time a registry change may take to reach the edge. */
    private static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(10);

    /** Overlap given to the old token at rotation. */
    private static final Duration OVERLAP = Duration.ofSeconds(6);

    private static final Duration PAUSE_BETWEEN_READINGS = Duration.ofMillis(50);

    /** How long the processor keeps a reading of a device it does not know before dead-lettering it. */
    private static final String PENDING_TIMEOUT = "5s";

    /** Timestamp of the reading that reaches the raw topic after its device was deleted. */
    private static final Instant STRAY_TS = Instant.parse("2026-11-30T00:00:00Z");

    private static final String STRAY_MESSAGE_ID = "stray-after-delete";

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Integer> outcomes = new LinkedHashMap<>();
    private final Map<String, Duration> propagation = new LinkedHashMap<>();
    private LocalStack stack;
    private int sequence;

    @BeforeAll
    void startStackAndRunTheLifecycle() throws Exception {
        stack = LocalStack.builder()
                .workDir(Path.of("target", "stack-lifecycle"))
                .freePorts(true)
                // The fixture's timestamps are fixed; they must stay acceptable however late this test runs.
                .override(ServiceName.INGEST_GATEWAY, "fleetstream.ingest.max-age", "20000d")
                .override(ServiceName.STREAM_PROCESSOR, "fleetstream.enrichment.pending-timeout", PENDING_TIMEOUT)
                .start();
        registry("POST", "/v1/device-types", Map.of("type", TYPE), 201);
        registry("POST", "/v1/devices", Map.of("deviceId", DEVICE, "name", "lifecycle probe", "type", TYPE), 201);
        String first = registry("POST", "/v1/devices/" + DEVICE + "/credentials", Map.of(), 201)
                .path("token")
                .asText();

        propagation.put("new credential accepted", sendUntil(first, 202, Instant.now()));
        sendExpecting(first, 202, 10);

        Instant suspended = changeState("SUSPENDED");
        propagation.put("suspension refused", sendUntil(first, 403, suspended));
        sendExpecting(first, 403, 10);

        Instant reactivated = changeState("ACTIVE");
        propagation.put("reactivation accepted", sendUntil(first, 202, reactivated));
        sendExpecting(first, 202, 10);

        JsonNode rotation = registry(
                "POST", "/v1/devices/" + DEVICE + "/credentials/rotate", Map.of("overlap", OVERLAP.toString()), 201);
        Instant rotated = Instant.now();
        String second = rotation.path("credential").path("token").asText();
        propagation.put("rotated credential accepted", sendUntil(second, 202, rotated));
        sendExpecting(first, 202, 3);
        sendExpecting(second, 202, 3);
        propagation.put("old credential refused after the overlap", sendUntil(first, 401, rotated));
        sendExpecting(second, 202, 10);

        String credentialId = rotation.path("credential").path("credentialId").asText();
        registry("POST", "/v1/devices/" + DEVICE + "/credentials/" + credentialId + "/revoke", Map.of(), 200);
        Instant revoked = Instant.now();
        propagation.put("revocation refused", sendUntil(second, 401, revoked));
        sendExpecting(second, 401, 10);
        System.out.println("Propagation to the edge: " + propagation);

        // The device goes for good, the processor is killed and restarts from its changelogs, and a reading of the
        // deleted device that was already on its way (written straight to the raw topic: the edge refuses it) arrives.
        registry("POST", "/v1/devices/" + DEVICE + "/state", Map.of("state", "DECOMMISSIONED"), 200);
        // Decommissioning revokes every credential too; the edge answers with the state, which tells the truth.
        propagation.put("decommission refused", sendUntil(second, 403, Instant.now()));
        registry("DELETE", "/v1/devices/" + DEVICE, Map.of(), 204);
        Thread.sleep(2_000);
        ServiceProcess processor = stack.service(ServiceName.STREAM_PROCESSOR);
        processor.kill();
        processor.start();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.kafka().bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            TelemetryReading stray = TelemetryReading.newBuilder()
                    .setDeviceId(DEVICE)
                    .setTs(STRAY_TS)
                    .setReceivedAt(STRAY_TS)
                    .setMessageId(STRAY_MESSAGE_ID)
                    .setMetrics(Map.of(METRIC, -1.0))
                    .setAttributes(Map.of())
                    .build();
            producer.send(new ProducerRecord<>(
                            Topics.TELEMETRY_RAW,
                            null,
                            STRAY_TS.toEpochMilli(),
                            DEVICE,
                            AvroSerde.of(TelemetryReading.class).encode(stray)))
                    .get();
        }
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyChangeReachesTheEdgeWithinSeconds() {
        assertThat(propagation.get("decommission refused")).isLessThan(PROPAGATION_LIMIT);
        assertThat(propagation)
                .containsOnlyKeys(
                        "new credential accepted",
                        "suspension refused",
                        "reactivation accepted",
                        "rotated credential accepted",
                        "old credential refused after the overlap",
                        "revocation refused",
                        "decommission refused");
        propagation.forEach((change, took) -> assertThat(took).as(change).isLessThan(PROPAGATION_LIMIT.plus(OVERLAP)));
        assertThat(propagation.get("suspension refused")).isLessThan(PROPAGATION_LIMIT);
        assertThat(propagation.get("revocation refused")).isLessThan(PROPAGATION_LIMIT);
        assertThat(propagation.get("old credential refused after the overlap"))
                .as("the old token stays valid for the overlap")
                .isGreaterThanOrEqualTo(OVERLAP.minusSeconds(1));
    }

    @Test
    void onlyTheExpectedStatusesWereAnswered() {
        assertThat(outcomes.values()).isSubsetOf(202, 401, 403);
        assertThat(outcomes.values()).contains(202, 401, 403);
    }

    @Test
    void exactlyTheAcceptedReadingsAreOnTheRawTopic() {
        Set<String> accepted = acceptedMessageIds();
        AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);
        Set<String> onTopic = CommittedTopic.readAll(
                        stack.kafka().bootstrapServers(),
                        Topics.TELEMETRY_RAW,
                        new ByteArrayDeserializer(),
                        Duration.ofSeconds(60))
                .stream()
                .filter(record -> DEVICE.equals(record.key()))
                .map(ConsumerRecord::value)
                .map(serde::decode)
                .map(TelemetryReading::getMessageId)
                .collect(Collectors.toCollection(TreeSet::new));
        // The reading written straight to the topic after the device was deleted never went through the edge.
        onTopic.remove(STRAY_MESSAGE_ID);
        assertThat(onTopic).isEqualTo(accepted);
    }

    @Test
    void exactlyTheAcceptedReadingsAreStored() throws Exception {
        Set<Instant> expected = new TreeSet<>();
        outcomes.forEach((messageId, status) -> {
            if (status == 202) {
                expected.add(timestampOf(messageId));
            }
        });
        try (Connection db = DriverManager.getConnection(
                        stack.jdbcUrl(),
                        stack.postgres().username(),
                        stack.postgres().password());
                PreparedStatement select = db.prepareStatement(
                        "SELECT ts FROM telemetry.readings WHERE device_id = ? AND metric = ? ORDER BY ts")) {
            select.setString(1, DEVICE);
            select.setString(2, METRIC);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Set<Instant> stored = new TreeSet<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        stored.add(rows.getTimestamp(1).toInstant());
                    }
                }
                assertThat(stored).isEqualTo(expected);
            });
        }
    }

    @Test
    void aDeletedDeviceStaysUnknownAfterTheProcessorRestarts() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(CommittedTopic.readAll(
                                stack.kafka().bootstrapServers(),
                                Topics.DEAD_LETTER_STREAMS,
                                new ByteArrayDeserializer(),
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(record -> DEVICE.equals(record.key()))
                        .map(record -> new String(
                                record.headers()
                                        .lastHeader(DeadLetterHeaders.REASON)
                                        .value(),
                                StandardCharsets.UTF_8)))
                .singleElement()
                .asString()
                .startsWith("unknown device"));
        AvroSerde<EnrichedReading> serde = AvroSerde.of(EnrichedReading.class);
        assertThat(CommittedTopic.readAll(
                                stack.kafka().bootstrapServers(),
                                Topics.TELEMETRY_ENRICHED,
                                new ByteArrayDeserializer(),
                                Duration.ofSeconds(60))
                        .stream()
                        .filter(record -> DEVICE.equals(record.key()))
                        .map(record -> serde.decode(record.value()))
                        .map(EnrichedReading::getMessageId))
                .as("enriched readings of the deleted device")
                .doesNotContain(STRAY_MESSAGE_ID)
                .containsExactlyInAnyOrderElementsOf(acceptedMessageIds());
    }

    private Set<String> acceptedMessageIds() {
        return outcomes.entrySet().stream()
                .filter(entry -> entry.getValue() == 202)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Instant changeState(String state) throws IOException, InterruptedException {
        registry("POST", "/v1/devices/" + DEVICE + "/state", Map.of("state", state), 200);
        return Instant.now();
    }

    /** Sends readings until one is answered {@code status}; returns how long after {@code since} that was. */
    private Duration sendUntil(String token, int status, Instant since) throws IOException, InterruptedException {
        long deadline = System.nanoTime()
                + PROPAGATION_LIMIT.plus(OVERLAP).multipliedBy(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (send(token) == status) {
                return Duration.between(since, Instant.now());
            }
            Thread.sleep(PAUSE_BETWEEN_READINGS.toMillis());
        }
        throw new AssertionError("The gateway never answered " + status + "; outcomes so far " + outcomes);
    }

    /** Sends {@code count} readings that must each be answered {@code status}: the change has settled. */
    private void sendExpecting(String token, int status, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            assertThat(send(token))
                    .as("reading %d after the change settled", sequence)
                    .isEqualTo(status);
            Thread.sleep(PAUSE_BETWEEN_READINGS.toMillis());
        }
    }

    private int send(String token) throws IOException, InterruptedException {
        int n = sequence++;
        String messageId = "m-" + String.format("%05d", n);
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("ts", timestampOf(messageId).toEpochMilli());
        reading.put("messageId", messageId);
        reading.put("metrics", Map.of(METRIC, 20.0 + n / 100.0));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(stack.baseUri(ServiceName.INGEST_GATEWAY).resolve("/v1/telemetry"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(reading)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        outcomes.put(messageId, response.statusCode());
        return response.statusCode();
    }

    private static Instant timestampOf(String messageId) {
        return FIRST_TS.plusSeconds(Integer.parseInt(messageId.substring(2)));
    }

    private JsonNode registry(String method, String path, Object body, int expected)
            throws IOException, InterruptedException {
        URI uri = stack.baseUri(ServiceName.DEVICE_REGISTRY).resolve(path);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + stack.adminKey())
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isEqualTo(expected);
        return mapper.readTree(response.body());
    }
}
