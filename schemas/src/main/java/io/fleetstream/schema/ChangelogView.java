package io.fleetstream.schema;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Follows one compacted registry changelog (devices, credentials, operator keys) from its beginning and hands every
 * change to a {@link Listener}, for services that keep the changelog in memory.
 *
 * <p>One daemon thread reads every partition without a consumer group (each replica needs the whole changelog and
 * there is nothing to commit) and keeps following until {@link #close()}. The view is {@linkplain #caughtUp() caught
 * up} once it has read up to the end offsets it saw when it first connected; until then a missing key may simply not
 * have been read yet, so callers should answer "not ready" rather than "unknown". After a broken connection the
 * consumer starts over from the beginning and replays every record to the listener, which must therefore treat an
 * upsert of a known key as a replacement. Partitions added to the topic while it runs are picked up only on such a
 * reconnect.
 *
 * @param <V> the Avro record type of the changelog's values
 */
public final class ChangelogView<V extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangelogView.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);

    /** Receives the changes of the changelog, always on the view's own thread, in offset order per partition. */
    public interface Listener<V> {

        /** A record for {@code key}: the current value, replacing any earlier one. */
        void upsert(String key, V value);

        /** A tombstone for {@code key}. */
        void delete(String key);

        /** A record that could not be used (undecodable value, tombstone without key); it has been logged. */
        default void skipped(ConsumerRecord<String, byte[]> record, String reason) {}
    }

    private final String topic;
    private final AvroSerde<V> serde;
    private final Map<String, Object> consumerConfig;
    private final Listener<V> listener;

    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param topic the compacted topic, from {@link Topics}
     * @param type the record type of its values
     * @param kafkaConfig client settings (at least {@code bootstrap.servers}); group and offset settings are replaced
     * @param clientId the Kafka client id, also the name of the reading thread
     * @param listener receives every change
     */
    public ChangelogView(
            String topic, Class<V> type, Map<String, Object> kafkaConfig, String clientId, Listener<V> listener) {
        this.topic = Objects.requireNonNull(topic);
        this.serde = AvroSerde.of(type);
        this.listener = Objects.requireNonNull(listener);
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerConfig = Map.copyOf(config);
    }

    /** Starts following the changelog; idempotent. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, String.valueOf(consumerConfig.get(ConsumerConfig.CLIENT_ID_CONFIG)));
        thread.setDaemon(true);
        thread.start();
        LOG.info("changelog [{}]: following", topic);
    }

    /** Stops the reading thread and waits up to ten seconds for it to end. */
    @Override
    public synchronized void close() {
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
        LOG.info("changelog [{}]: stopped", topic);
    }

    /** Whether everything that was in the changelog when the view first connected has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Whether the reading thread is running. */
    public boolean alive() {
        Thread current = thread;
        return current != null && current.isAlive();
    }

    /** The topic this view follows. */
    public String topic() {
        return topic;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> created =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = created;
                follow(created);
            } catch (WakeupException e) {
                if (running) {
                    LOG.warn("changelog [{}]: consumer woken up unexpectedly; reconnecting", topic);
                }
            } catch (RuntimeException e) {
                // A broken connection or a broker-side error: what was read stays in use while the consumer starts
                // over from the beginning of the topic.
                LOG.warn(
                        "changelog [{}]: reading failed ({}); serving what was read so far, retrying in {}",
                        topic,
                        e.getMessage(),
                        RETRY_BACKOFF);
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
        LOG.info("changelog [{}]: reading {} partitions up to offsets {}", topic, partitions.size(), endOffsets);
        while (running) {
            for (ConsumerRecord<String, byte[]> record : kafka.poll(POLL_TIMEOUT)) {
                apply(record);
            }
            if (!caughtUp && reached(kafka, endOffsets)) {
                caughtUp = true;
                LOG.info("changelog [{}]: caught up", topic);
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> kafka) {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> infos = kafka.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .toList();
            }
            if (!warned) {
                LOG.warn(
                        "changelog [{}]: topic does not exist yet; nothing it holds is known until the device "
                                + "registry creates it (or set fleetstream.kafka.create-topics=true)",
                        topic);
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
        if (record.key() == null) {
            skip(record, "record without key");
            return;
        }
        if (record.value() == null) {
            listener.delete(record.key());
            return;
        }
        V value;
        try {
            value = serde.decode(record.value());
        } catch (SerializationException e) {
            skip(record, e.getMessage());
            return;
        }
        listener.upsert(record.key(), value);
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warn(
                "changelog [{}]: skipped record at partition [{}] offset [{}]: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                reason);
        listener.skipped(record, reason);
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
