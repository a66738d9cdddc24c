package io.fleetstream.systemtest;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a whole topic as a downstream consumer with {@code isolation.level=read_committed} sees it: every record of
 * a committed transaction (or written outside any), none of an aborted one. A record a producer wrote twice, or a
 * window a processor published in two committed transactions, shows up here even where a primary key in PostgreSQL
 * would hide it.
 */
final class CommittedTopic {

    private static final Duration POLL = Duration.ofMillis(200);

    private CommittedTopic() {}

    /**
     * Every committed record of {@code topic}, partition by partition in offset order, up to the end each partition
     * had when reading began (its last stable offset).
     *
     * @throws AssertionError if the topic does not exist or the records cannot be read within {@code timeout}
     */
    static <V> List<ConsumerRecord<String, V>> readAll(
            String bootstrapServers, String topic, Deserializer<V> values, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "system-test-reader-" + topic);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AssertionError("Topic " + topic + " does not exist on " + bootstrapServers);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets: nothing beyond is committed yet.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            while (!reachedEnd(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " up to its end offsets " + end + " within "
                            + timeout.toSeconds() + " s; read " + records.size() + " records");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
