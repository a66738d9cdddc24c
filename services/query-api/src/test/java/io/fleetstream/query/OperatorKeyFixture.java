package io.fleetstream.query;

import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.OperatorKey;
import io.fleetstream.schema.OperatorRole;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Publishes operator keys to the registry's key changelog, as the device registry would: by hash only. */
final class OperatorKeyFixture {

    static final String VIEWER = "viewer-key-6a1f0c2e9b";
    static final String OPERATOR = "operator-key-93d7e5a1c4";
    static final String ADMIN = "admin-key-1c8b2f7d30";
    static final String EXPIRED = "expired-key-5e0a9d3b71";
    static final String REVOKED = "revoked-key-d2c4a6e8f0";
    static final String ROTATED_OLD = "rotated-old-key-71b3";
    static final String ROTATED_NEW = "rotated-new-key-82c4";
    static final String DELETED = "deleted-key-0f9e8d";

    private static final AvroSerde<OperatorKey> SERDE = AvroSerde.of(OperatorKey.class);
    private static final Instant CREATED = Instant.parse("2024-01-01T00:00:00Z");

    private OperatorKeyFixture() {}

    static void publishAll() {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedInfra.kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            send(producer, key("key-viewer", "Vera Viewer", OperatorRole.VIEWER, VIEWER, null, null));
            send(producer, key("key-operator", "Otto Operator", OperatorRole.OPERATOR, OPERATOR, null, null));
            send(producer, key("key-admin", "Ada Admin", OperatorRole.ADMIN, ADMIN, null, null));
            send(
                    producer,
                    key(
                            "key-expired",
                            "Old Laptop",
                            OperatorRole.ADMIN,
                            EXPIRED,
                            Instant.parse("2024-02-01T00:00:00Z"),
                            null));
            send(producer, key("key-revoked", "Lost Phone", OperatorRole.ADMIN, REVOKED, null, null));
            send(
                    producer,
                    key(
                            "key-revoked",
                            "Lost Phone",
                            OperatorRole.ADMIN,
                            REVOKED,
                            null,
                            Instant.parse("2024-03-01T00:00:00Z")));
            send(producer, key("key-deleted", "Gone", OperatorRole.ADMIN, DELETED, null, null));
            sendRaw(producer, "key-deleted", null);
            // Last, so that a working new key means every earlier record has been read (one partition, in order).
            // The same key id with a new hash: the old key must stop working.
            send(producer, key("key-rotated", "Rota", OperatorRole.VIEWER, ROTATED_OLD, null, null));
            send(producer, key("key-rotated", "Rota", OperatorRole.VIEWER, ROTATED_NEW, null, null));
        }
    }

    static OperatorKey key(
            String keyId, String name, OperatorRole role, String secret, Instant expiresAt, Instant revokedAt) {
        return OperatorKey.newBuilder()
                .setKeyId(keyId)
                .setName(name)
                .setRole(role)
                .setKeyHash(TokenHash.of(secret))
                .setCreatedAt(CREATED)
                .setExpiresAt(expiresAt)
                .setRevokedAt(revokedAt)
                .build();
    }

    private static void send(KafkaProducer<String, byte[]> producer, OperatorKey key) {
        sendRaw(producer, key.getKeyId(), SERDE.encode(key));
    }

    private static void sendRaw(KafkaProducer<String, byte[]> producer, String keyId, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.REGISTRY_OPERATOR_KEYS, keyId, value))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish operator key " + keyId, e);
        } finally {
            producer.flush();
        }
    }

    static Duration awaitLimit() {
        return Duration.ofSeconds(60);
    }
}
