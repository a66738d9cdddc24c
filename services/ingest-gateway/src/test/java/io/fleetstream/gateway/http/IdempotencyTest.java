package io.fleetstream.gateway.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A reading whose (device, messageId) was already acknowledged is counted as a duplicate and not written again. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class IdempotencyTest {

    private static final String TOKEN = "tok-idem-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String OTHER_TOKEN = "tok-idem-other-9f8e7d6c5b4a39281706f5e4d3c2b1a";
    private static final long TS_MS = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
    private static boolean published;

    @BeforeEach
    void publishDevices() {
        if (published) {
            return;
        }
        GatewayKafka.publishActiveDevice("cred-idem", "idem-1", TOKEN);
        GatewayKafka.publishActiveDevice("cred-idem-other", "idem-2", OTHER_TOKEN);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TelemetryResourceTest.post(TOKEN, "{\"metrics\": {\"a\": 1}}").statusCode(202);
            TelemetryResourceTest.post(OTHER_TOKEN, "{\"metrics\": {\"a\": 1}}").statusCode(202);
        });
        published = true;
    }

    private static String reading(long ts, String messageId) {
        return "{\"ts\": " + ts + ", \"metrics\": {\"a\": 1}, \"messageId\": \"" + messageId + "\"}";
    }

    @Test
    void acknowledgesARetryAsDuplicateAndWritesItOnce() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        TelemetryResourceTest.post(TOKEN, reading(TS_MS, "idem-retry"))
                .statusCode(202)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(0));
        TelemetryResourceTest.post(TOKEN, reading(TS_MS, "idem-retry"))
                .statusCode(202)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(1));

        assertThat(GatewayKafka.rawSince(before)).hasSize(1);
    }

    @Test
    void countsOnlyTheRepeatedReadingsOfABatch() {
        TelemetryResourceTest.post(TOKEN, reading(TS_MS + 1, "idem-batch-1")).statusCode(202);
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        TelemetryResourceTest.post(
                        TOKEN,
                        "[" + reading(TS_MS + 1, "idem-batch-1") + ", " + reading(TS_MS + 2, "idem-batch-2") + ", "
                                + reading(TS_MS + 2, "idem-batch-2") + ", {\"ts\": " + (TS_MS + 3)
                                + ", \"metrics\": {\"a\": 1}}]")
                .statusCode(202)
                .body("accepted", equalTo(2))
                .body("duplicates", equalTo(2));

        assertThat(GatewayKafka.rawSince(before))
                .extracting(w -> w.reading().getMessageId())
                .containsExactly("idem-batch-2", null);
    }

    @Test
    void scopesMessageIdsByDevice() {
        TelemetryResourceTest.post(TOKEN, reading(TS_MS, "idem-shared")).statusCode(202);

        TelemetryResourceTest.post(OTHER_TOKEN, reading(TS_MS, "idem-shared"))
                .statusCode(202)
                .body("accepted", equalTo(1));
    }

    @Test
    void writesAMessageIdOnceWhenConcurrentRequestsCarryIt() throws Exception {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();
        int requests = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<RawHttp.Answer>> answers = new ArrayList<>();
        try {
            for (int round = 0; round < 5; round++) {
                String body = reading(TS_MS + 100 + round, "idem-race-" + round);
                for (int i = 0; i < requests; i++) {
                    answers.add(CompletableFuture.supplyAsync(
                            () -> new RawHttp()
                                    .post(
                                            "/v1/telemetry",
                                            Map.of(
                                                    "Authorization",
                                                    "Bearer " + TOKEN,
                                                    "Content-Type",
                                                    "application/json"),
                                            body.getBytes(StandardCharsets.UTF_8)),
                            pool));
                }
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }

        assertThat(answers).extracting(a -> a.join().status()).containsOnly(202);
        long accepted = answers.stream()
                .filter(a -> a.join().body().contains("\"accepted\":1"))
                .count();
        assertThat(accepted).isEqualTo(5);
        assertThat(GatewayKafka.rawSince(before))
                .extracting(w -> w.reading().getMessageId())
                .containsExactlyInAnyOrder("idem-race-0", "idem-race-1", "idem-race-2", "idem-race-3", "idem-race-4");
    }
}
