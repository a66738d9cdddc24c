package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.metrics.GatewayMetrics;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device credentials known to the gateway, read from the compacted credential changelog into memory.
 *
 * <p>One background thread reads every partition from the beginning, without a consumer group (every gateway replica
 * needs all credentials, and there is nothing to commit), and keeps following the topic until shutdown. The cache is
 * {@linkplain #caughtUp() caught up} once it has read up to the end offsets it saw when it started; before that an
 * unknown token may simply not have been read yet. Partitions added to the topic after startup are not picked up
 * until the gateway restarts.
 */
@ApplicationScoped
public class CredentialCache {

    private static final String TOPIC = Topics.REGISTRY_CREDENTIALS;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);

    private final KafkaSettings settings;
    private final AvroSerde<DeviceCredential> serde = AvroSerde.of(DeviceCredential.class);
    private final Map<String, DeviceCredential> byTokenHash = new ConcurrentHashMap<>();
    private final Map<String, String> tokenHashByCredentialId = new ConcurrentHashMap<>();
    private final Counter skipped;

    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public CredentialCache(KafkaSettings settings, GatewayMetrics metrics) {
        this.settings = settings;
        Gauge.builder(GatewayMetrics.CREDENTIALS, tokenHashByCredentialId, Map::size)
                .description("Device credentials currently known to the gateway (revoked and expired included)")
                .register(metrics.registry());
        this.skipped = Counter.builder(GatewayMetrics.CREDENTIAL_RECORDS_SKIPPED)
                .description("Credential changelog records that could not be decoded and were skipped")
                .register(metrics.registry());
    }

    /** Starts following the credential changelog; idempotent. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "credential-cache");
        thread.setDaemon(true);
        thread.start();
        Log.infof("credential cache: following topic [%s]", TOPIC);
    }

    /** Stops the background consumer and waits briefly for it to close. */
    @PreDestroy
    public synchronized void stop() {
        if (thread == null) {
            return;
        }
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        Log.info("credential cache: stopped");
    }

    /** The credential whose token hashes to {@code tokenHash}, whatever its validity. */
    public Optional<DeviceCredential> find(String tokenHash) {
        return Optional.ofNullable(byTokenHash.get(tokenHash));
    }

    /** Whether the cache has read everything that was in the changelog when the gateway started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Whether the background consumer thread is running. */
    public boolean alive() {
        Thread current = thread;
        return current != null && current.isAlive();
    }

    /** How many credentials are known. */
    public int size() {
        return tokenHashByCredentialId.size();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> created = createConsumer()) {
                consumer = created;
                follow(created);
            } catch (WakeupException e) {
                if (running) {
                    Log.warn("credential cache: consumer woken up unexpectedly; reconnecting");
                }
            } catch (RuntimeException e) {
                // A broken connection or a broker-side error: credentials already known stay in use while the
                // consumer starts over from the beginning of the topic.
                Log.warnf(
                        "credential cache: reading topic [%s] failed (%s); device authentication uses the %d "
                                + "credentials already known, retrying in %s",
                        TOPIC, e.getMessage(), size(), RETRY_BACKOFF);
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> kafka) {
        List<TopicPartition> partitions = awaitPartitions(kafka);
        if (partitions.isEmpty()) {
            return;
        }
        kafka.assign(partitions);
        kafka.seekToBeginning(partitions);
        Map<TopicPartition, Long> endOffsets = kafka.endOffsets(partitions, METADATA_TIMEOUT);
        Log.infof(
                "credential cache: reading %d partitions of [%s] up to offsets %s",
                partitions.size(), TOPIC, endOffsets.values());
        while (running) {
            ConsumerRecords<String, byte[]> records = kafka.poll(POLL_TIMEOUT);
            for (ConsumerRecord<String, byte[]> record : records) {
                apply(record);
            }
            if (!caughtUp && reached(kafka, endOffsets)) {
                caughtUp = true;
                Log.infof("credential cache: caught up with [%s], %d credentials known", TOPIC, size());
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> kafka) {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> infos = kafka.partitionsFor(TOPIC, METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .toList();
            }
            if (!warned) {
                Log.warnf(
                        "credential cache: topic [%s] does not exist yet; no device can authenticate until it is "
                                + "created (by the device registry, or set fleetstream.kafka.create-topics=true)",
                        TOPIC);
                warned = true;
            }
            pause();
        }
        return List.of();
    }

    private static boolean reached(KafkaConsumer<String, byte[]> kafka, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (kafka.position(end.getKey(), METADATA_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            forget(record);
            return;
        }
        DeviceCredential credential;
        try {
            credential = serde.decode(record.value());
        } catch (SerializationException e) {
            skipped.increment();
            Log.warnf(
                    "credential cache: skipped record at topic [%s] partition [%d] offset [%d]: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        String hash = credential.getTokenHash();
        String previous = tokenHashByCredentialId.put(credential.getCredentialId(), hash);
        if (previous != null && !previous.equals(hash)) {
            byTokenHash.remove(previous);
        }
        byTokenHash.put(hash, credential);
        Log.debugf(
                "credential cache: credential [%s] of device [%s] updated",
                credential.getCredentialId(), credential.getDeviceId());
    }

    private void forget(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            skipped.increment();
            Log.warnf(
                    "credential cache: skipped tombstone without key at topic [%s] partition [%d] offset [%d]",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        String hash = tokenHashByCredentialId.remove(record.key());
        if (hash != null) {
            byTokenHash.remove(hash);
        }
        Log.debugf("credential cache: credential [%s] deleted", record.key());
    }

    private KafkaConsumer<String, byte[]> createConsumer() {
        Map<String, Object> config = settings.copy();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-gateway-credentials");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
