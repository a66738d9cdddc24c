package io.fleetstream.schema;

import io.fleetstream.infra.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Verifies that a changelog view replays a compacted topic against a real broker and keeps following it. */
class ChangelogViewTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    static Path dataDir;

    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(dataDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void replaysExistingRecordsBeforeReportingCaughtUpAndThenFollowsChanges() {
        String topic = "changelog-view-follow";
        broker.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "k-1", encode(key("k-1", "VIEWER"))));
            producer.send(new ProducerRecord<>(topic, "k-2", encode(key("k-2", "ADMIN"))));
            producer.send(new ProducerRecord<>(topic, "k-1", encode(key("k-1", "OPERATOR"))));
            producer.flush();

            Recorder recorder = new Recorder();
            try (ChangelogView<OperatorKey> view = view(topic, recorder)) {
                view.start();
                await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);
                assertThat(recorder.current).containsOnlyKeys("k-1", "k-2");
                assertThat(recorder.current.get("k-1").getRole()).isEqualTo(OperatorRole.OPERATOR);

                producer.send(new ProducerRecord<>(topic, "k-2", null));
                producer.send(new ProducerRecord<>(topic, "k-3", encode(key("k-3", "VIEWER"))));
                producer.flush();
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(recorder.current).containsOnlyKeys("k-1", "k-3"));
            }
        }
    }

    @Test
    void skipsRecordsThatAreNotTheRecordTypeAndKeepsReading() throws Exception {
        String topic = "changelog-view-skip";
        broker.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "bad", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(
                            topic, "other-type", AvroSerde.of(Device.class).encode(device())))
                    .get();
            producer.send(new ProducerRecord<>(topic, "k-1", encode(key("k-1", "ADMIN"))))
                    .get();
        }
        Recorder recorder = new Recorder();
        try (ChangelogView<OperatorKey> view = view(topic, recorder)) {
            view.start();
            await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);
            assertThat(recorder.current).containsOnlyKeys("k-1");
            assertThat(recorder.skippedOffsets).containsExactly(0L, 1L);
        }
    }

    @Test
    void isNotCaughtUpWhileTheTopicDoesNotExist() throws InterruptedException {
        try (ChangelogView<OperatorKey> view = view("changelog-view-missing", new Recorder())) {
            view.start();
            Thread.sleep(1_000);
            assertThat(view.alive()).isTrue();
            assertThat(view.caughtUp()).isFalse();
        }
    }

    private static ChangelogView<OperatorKey> view(String topic, Recorder recorder) {
        return new ChangelogView<>(
                topic,
                OperatorKey.class,
                Map.of("bootstrap.servers", broker.bootstrapServers()),
                "changelog-view-test",
                recorder);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static OperatorKey key(String id, String role) {
        return OperatorKey.newBuilder()
                .setKeyId(id)
                .setName("holder of " + id)
                .setRole(OperatorRole.valueOf(role))
                .setKeyHash(TokenHash.of("secret-" + id))
                .setCreatedAt(CREATED)
                .build();
    }

    private static Device device() {
        return Device.newBuilder()
                .setDeviceId("d-1")
                .setName("a device")
                .setType("sensor")
                .setCreatedAt(CREATED)
                .setUpdatedAt(CREATED)
                .build();
    }

    private static byte[] encode(OperatorKey key) {
        return AvroSerde.of(OperatorKey.class).encode(key);
    }

    private static final class Recorder implements ChangelogView.Listener<OperatorKey> {
        final Map<String, OperatorKey> current = new ConcurrentHashMap<>();
        final List<Long> skippedOffsets = new CopyOnWriteArrayList<>();

        @Override
        public void upsert(String key, OperatorKey value) {
            current.put(key, value);
        }

        @Override
        public void delete(String key) {
            current.remove(key);
        }

        @Override
        public void skipped(ConsumerRecord<String, byte[]> record, String reason) {
            skippedOffsets.add(record.offset());
        }
    }
}
