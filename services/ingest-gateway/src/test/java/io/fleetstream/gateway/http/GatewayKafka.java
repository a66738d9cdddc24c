package io.fleetstream.gateway.http;

import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tests' side of Kafka: publishes credentials as the device registry would, and reads what the gateway wrote to
 * the raw telemetry topic.
 */
final class GatewayKafka {

    private static final Instant CREATED_AT = Instant.parse("2024-01-01T00:00:00Z");

    private GatewayKafka() {}

    /** A decoded record of the raw telemetry topic. */
    record Written(String key, long timestamp, TelemetryReading reading) {}

    static void publishCredential(
            String credentialId, String deviceId, String token, Instant expiresAt, Instant revokedAt) {
        DeviceCredential credential = DeviceCredential.newBuilder()
                .setCredentialId(credentialId)
                .setDeviceId(deviceId)
                .setTokenHash(TokenHash.of(token))
                .setCreatedAt(CREATED_AT)
                .setExpiresAt(expiresAt)
                .setRevokedAt(revokedAt)
                .build();
        send(
                Topics.REGISTRY_CREDENTIALS,
                credentialId,
                AvroSerde.of(DeviceCredential.class).encode(credential));
    }

    /** Publishes a device record in the given state, as the registry does on every change. */
    static void publishDevice(String deviceId, DeviceState state) {
        Device device = Device.newBuilder()
                .setDeviceId(deviceId)
                .setName("device " + deviceId)
                .setType("pump")
                .setState(state)
                .setCreatedAt(CREATED_AT)
                .setUpdatedAt(CREATED_AT)
                .build();
        send(Topics.REGISTRY_DEVICES, deviceId, AvroSerde.of(Device.class).encode(device));
    }

    /** Publishes an active device and a credential for it. */
    static void publishActiveDevice(String credentialId, String deviceId, String token) {
        publishDevice(deviceId, DeviceState.ACTIVE);
        publishCredential(credentialId, deviceId, token, null, null);
    }

    static void publishRaw(String topic, String key, byte[] value) {
        send(topic, key, value);
    }

    private static void send(String topic, String key, byte[] value) {
        Map<String, Object> config =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** Current end offsets of the raw telemetry topic. */
    static Map<TopicPartition, Long> rawEndOffsets() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(Topics.TELEMETRY_RAW, Duration.ofSeconds(30)).stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition()))
                            .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30));
        }
    }

    /** Every raw telemetry record written since {@code from}, up to the current end offsets. */
    static List<Written> rawSince(Map<TopicPartition, Long> from) {
        AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);
        List<Written> written = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> to = consumer.endOffsets(from.keySet(), Duration.ofSeconds(30));
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (from.keySet().stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw topic not readable up to " + to);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        written.add(new Written(record.key(), record.timestamp(), serde.decode(record.value())));
                    }
                }
            }
        }
        return written;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String bootstrap() {
        return SharedInfra.kafka().bootstrapServers();
    }
}
