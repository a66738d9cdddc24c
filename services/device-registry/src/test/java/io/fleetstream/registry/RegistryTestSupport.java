package io.fleetstream.registry;

import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.AvroSerde;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Fixtures shared by the registry's tests. Every test names its own ids, so tests never see each other's data. */
public final class RegistryTestSupport {

    private RegistryTestSupport() {}

    /** The bootstrap ADMIN key configured for the test profile in application.properties. */
    public static final String ADMIN_KEY = "fsk_test-bootstrap-admin-key-0123456789";

    /** A request authenticated with the bootstrap ADMIN key. */
    public static RequestSpecification admin() {
        return withKey(ADMIN_KEY);
    }

    /** A request authenticated with the given operator key. */
    public static RequestSpecification withKey(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    /** Creates an operator key with the role and returns the key itself. */
    public static String createKey(String role) {
        return postJson("/v1/api-keys", Map.of("name", "test " + role.toLowerCase(java.util.Locale.ROOT), "role", role))
                .statusCode(201)
                .extract()
                .path("key");
    }

    /** Makes sure each device type exists, whether an earlier test created it or not. */
    public static void ensureTypes(String... types) {
        for (String type : types) {
            int status =
                    postJson("/v1/device-types", Map.of("type", type)).extract().statusCode();
            if (status != 201 && status != 409) {
                throw new IllegalStateException("could not create device type " + type + ": " + status);
            }
        }
    }

    /** A fresh id with a readable prefix. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static ValidatableResponse postJson(String path, Object body) {
        return admin().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then();
    }

    /** Registers a device of the type, creating the type first when needed. */
    public static ValidatableResponse createDevice(String deviceId, String type) {
        ensureTypes(type);
        return postJson(
                "/v1/devices",
                Map.of("deviceId", deviceId, "name", "Device " + deviceId, "type", type, "labels", Map.of()));
    }

    /** Decodes a record the way every consumer of the topic does. */
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) {
        return AvroSerde.of(type).decode(bytes);
    }

    /** Every record of a topic from its beginning up to its current end. */
    public static List<ConsumerRecord<String, byte[]>> readTopic(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfra.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 20 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The values of the records of one key, in offset order. */
    public static List<byte[]> valuesFor(String topic, String key) {
        return readTopic(topic).stream()
                .filter(record -> key.equals(record.key()))
                .map(ConsumerRecord::value)
                .toList();
    }
}
