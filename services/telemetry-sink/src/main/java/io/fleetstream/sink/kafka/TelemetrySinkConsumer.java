package io.fleetstream.sink.kafka;

import io.fleetstream.schema.TopicProvisioner;
import io.fleetstream.schema.Topics;
import io.fleetstream.sink.config.AggregationSettings;
import io.fleetstream.sink.config.KafkaSettings;
import io.fleetstream.sink.config.SinkSettings;
import io.fleetstream.sink.domain.InvalidRecordException;
import io.fleetstream.sink.domain.SinkBatch;
import io.fleetstream.sink.health.SinkStatus;
import io.fleetstream.sink.metrics.SinkMetrics;
import io.fleetstream.sink.persistence.DataErrors;
import io.fleetstream.sink.persistence.TelemetryWriter;
import io.fleetstream.sink.persistence.WriteResult;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The sink's consumer loop, on its own thread. Each poll is one batch: decode (refused records go to the dead-letter
 * topic), write everything in one database transaction, and only then commit the batch's offsets. A failed batch is
 * rolled back, every assigned partition is rewound to its committed offset, and the loop backs off and polls the same
 * records again; the writes are idempotent, so a replay changes nothing that was already stored. A batch PostgreSQL
 * refuses because of the values of a row ({@link DataErrors}) is not retried but written again record by record, and
 * the records PostgreSQL refuses go to the dead-letter topic; either way every record of a batch is stored or
 * dead-lettered before its offset is committed.
 *
 * <p>Rebalances are safe by construction: Kafka calls the rebalance listener only inside {@code poll}, and a batch is
 * always committed or rewound before the next poll, so no batch is ever in flight when partitions are revoked.
 */
@ApplicationScoped
public class TelemetrySinkConsumer {

    private final SinkSettings settings;
    private final KafkaSettings kafka;
    private final String bootstrapServers;
    private final List<Duration> windowSizes;
    private final SinkRecordDecoder decoder;
    private final TelemetryWriter writer;
    private final SinkMetrics metrics;
    private final SinkStatus status;

    private final Object lifecycle = new Object();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /** Failed attempts in the current outage; 0 while batches are written. */
    private int failures;

    /**
     * Offsets per partition whose dead-letter copy the broker acknowledged but whose batch is not committed yet, so
     * that a retried batch does not send them again. Touched only by the loop thread (the rebalance listener runs
     * inside poll); it holds at most the records of the batches in flight. It lives in memory only: a copy sent
     * before a restart, before the partition moved to another instance, or whose acknowledgement did not arrive, is
     * sent again when its batch is retried.
     */
    private final Map<TopicPartition, Set<Long>> deadLettered = new HashMap<>();

    public TelemetrySinkConsumer(
            SinkSettings settings,
            KafkaSettings kafka,
            AggregationSettings aggregation,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            TelemetryWriter writer,
            SinkMetrics metrics,
            SinkStatus status) {
        this.settings = settings;
        this.kafka = kafka;
        this.bootstrapServers = bootstrapServers;
        this.windowSizes = aggregation.windowDurations();
        this.decoder = new SinkRecordDecoder(windowSizes);
        this.writer = writer;
        this.metrics = metrics;
        this.status = status;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts the loop thread unless it runs already. */
    public void start() {
        synchronized (lifecycle) {
            if (thread != null) {
                return;
            }
            running = true;
            thread = new Thread(this::run, "telemetry-sink-consumer");
            thread.start();
        }
    }

    /** Stops the loop and waits for it; the batch being written is finished and committed first. */
    public void stop() {
        Thread stopping;
        synchronized (lifecycle) {
            stopping = thread;
            thread = null;
            running = false;
        }
        if (stopping == null) {
            return;
        }
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        synchronized (lifecycle) {
            lifecycle.notifyAll();
        }
        try {
            stopping.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.degraded("consumer stopped");
    }

    private void run() {
        Log.infof(
                "telemetry sink starting: group [%s], topics %s, batches of up to %d records",
                settings.groupId(), decoder.topics(), settings.maxBatchRecords());
        while (running) {
            try {
                provisionTopics();
                consume();
            } catch (WakeupException e) {
                // stop() woke the consumer; the loop condition ends the thread.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                status.degraded("kafka consumer failed: " + e.getMessage());
                Log.warnf("telemetry sink consumer failed, recreating it: %s", e.getMessage());
                Log.debug("consumer failure", e);
                if (!backOff()) {
                    break;
                }
            }
        }
        Log.info("telemetry sink stopped");
    }

    private void provisionTopics() {
        if (!kafka.createTopics()) {
            return;
        }
        Set<String> wanted = new java.util.HashSet<>(decoder.topics());
        wanted.add(Topics.DEAD_LETTER_SINK);
        // Every spec, the aggregate topics included, comes from the catalogue: the sink usually starts first and
        // creates them, and a topic created with broker defaults would delete replayed history by its event time.
        List<Topics.TopicSpec> specs = Topics.catalogue(kafka.partitions(), windowSizes).stream()
                .filter(spec -> wanted.contains(spec.name()))
                .toList();
        Set<String> created = TopicProvisioner.ensure(bootstrapServers, specs);
        if (!created.isEmpty()) {
            Log.infof("created topics %s", created);
        }
    }

    private void consume() throws InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "telemetry-sink");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatchRecords());
        try (KafkaConsumer<String, byte[]> kafkaConsumer =
                        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
                DeadLetterPublisher deadLetters =
                        new DeadLetterPublisher(bootstrapServers, settings.deadLetterTimeout())) {
            consumer = kafkaConsumer;
            kafkaConsumer.subscribe(decoder.topics(), new RebalanceLogger());
            status.healthy();
            while (running) {
                ConsumerRecords<String, byte[]> records = kafkaConsumer.poll(settings.pollTimeout());
                if (!records.isEmpty()) {
                    process(kafkaConsumer, deadLetters, records);
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void process(
            KafkaConsumer<String, byte[]> kafkaConsumer,
            DeadLetterPublisher deadLetters,
            ConsumerRecords<String, byte[]> records)
            throws InterruptedException {
        long started = System.nanoTime();
        SinkBatch batch = new SinkBatch();
        List<DeadLetter> refused = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.put(
                    new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            try {
                decoder.decodeInto(record, batch);
            } catch (SerializationException | InvalidRecordException e) {
                // The key is the device id on every topic the sink reads.
                deadLetter(deadLetters, record, record.key(), e.getMessage(), e, refused);
            }
        }
        try {
            awaitDeadLetters(deadLetters, refused);
            WriteResult result = write(records, batch, deadLetters);
            result.counts().forEach((table, count) -> metrics.rowsWritten(table, count[0], count[1]));
            recovered();
            Log.debugf("batch of %d records written: %s", records.count(), result);
        } catch (SQLException | DeadLetterPublisher.DeadLetterException | RuntimeException e) {
            failed(kafkaConsumer, e);
            return;
        }
        try {
            kafkaConsumer.commitSync(offsets);
            metrics.batchCommitted(Duration.ofNanos(System.nanoTime() - started), Instant.now());
            forgetDeadLettered(offsets);
        } catch (WakeupException e) {
            // stop() interrupted the commit: commit once more so a clean shutdown does not replay the batch.
            kafkaConsumer.commitSync(offsets);
            throw e;
        } catch (KafkaException e) {
            // The rows are committed in PostgreSQL; whoever owns the partitions now replays them harmlessly.
            Log.warnf(
                    "offsets of a written batch were not committed, its records will be replayed: %s", e.getMessage());
            rewind(kafkaConsumer);
        }
    }

    /**
     * Writes the decoded batch in one transaction. If PostgreSQL refuses it because of the values of some row, retrying
     * would fail forever and stop storage for every device; instead the batch is written again record by record, the
     * records PostgreSQL refuses are dead-lettered, and the rest is stored. Failures that are not about data throw, and
     * the whole batch is retried.
     */
    private WriteResult write(ConsumerRecords<String, byte[]> records, SinkBatch batch, DeadLetterPublisher deadLetters)
            throws SQLException, DeadLetterPublisher.DeadLetterException {
        if (batch.isEmpty()) {
            return new WriteResult();
        }
        try {
            return writer.write(batch);
        } catch (SQLException e) {
            if (!DataErrors.isAboutData(e)) {
                throw e;
            }
            Log.infof(
                    "PostgreSQL refused data in a batch of %d records (SQLSTATE %s: %s), writing it record by record",
                    records.count(), e.getSQLState(), firstLine(e.getMessage()));
            return writeRecordByRecord(records, deadLetters);
        }
    }

    /** Costs a round trip per record and table instead of one per table, which is why it is only a fallback. */
    private WriteResult writeRecordByRecord(ConsumerRecords<String, byte[]> records, DeadLetterPublisher deadLetters)
            throws SQLException, DeadLetterPublisher.DeadLetterException {
        List<ConsumerRecord<String, byte[]>> decoded = new ArrayList<>();
        List<SinkBatch> entries = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SinkBatch entry = new SinkBatch();
            try {
                decoder.decodeInto(record, entry);
            } catch (SerializationException | InvalidRecordException e) {
                continue; // dead-lettered while the batch was decoded
            }
            decoded.add(record);
            entries.add(entry);
        }
        // The rows are committed before the refused records are dead-lettered. Should the dead-letter topic fail, the
        // batch is retried: the stored rows are duplicates then, and the refused records are refused and sent again.
        WriteResult result = writer.writeEach(entries);
        List<DeadLetter> sends = new ArrayList<>();
        for (WriteResult.Refusal refusal : result.refused()) {
            deadLetter(
                    deadLetters,
                    decoded.get(refusal.index()),
                    deviceId(entries.get(refusal.index())),
                    refusal.reason(),
                    refusal.error(),
                    sends);
        }
        awaitDeadLetters(deadLetters, sends);
        return result;
    }

    /**
     * Sends a record to the dead-letter topic unless an earlier attempt of its batch did so already (the broker
     * acknowledged it, but the batch failed afterwards and is being retried).
     */
    private void deadLetter(
            DeadLetterPublisher deadLetters,
            ConsumerRecord<String, byte[]> record,
            String deviceId,
            String reason,
            Throwable error,
            List<DeadLetter> sends) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (deadLettered.getOrDefault(partition, Set.of()).contains(record.offset())) {
            Log.debugf(
                    "record of topic [%s] partition [%d] offset [%d] is on the dead-letter topic already",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        Log.warnf(
                "dead-lettering record of topic [%s] partition [%d] offset [%d] device [%s]: %s",
                record.topic(), record.partition(), record.offset(), deviceId, reason);
        sends.add(new DeadLetter(partition, record.offset(), deadLetters.send(record, reason, error)));
    }

    /** Waits for the dead-letter acknowledgements; every acknowledged record is counted and remembered. */
    private void awaitDeadLetters(DeadLetterPublisher deadLetters, List<DeadLetter> sends)
            throws DeadLetterPublisher.DeadLetterException {
        try {
            deadLetters.awaitAll(sends.stream().map(DeadLetter::ack).toList());
        } finally {
            // Also when another send failed: the retry of the batch must not send an acknowledged record again.
            for (DeadLetter sent : sends) {
                if (acknowledged(sent.ack())) {
                    deadLettered
                            .computeIfAbsent(sent.partition(), key -> new HashSet<>())
                            .add(sent.offset());
                    metrics.deadLettered(sent.partition().topic());
                }
            }
        }
    }

    /** Drops what the committed offsets cover: those records are never replayed unless the group is reset. */
    private void forgetDeadLettered(Map<TopicPartition, OffsetAndMetadata> committed) {
        committed.forEach((partition, offset) -> {
            Set<Long> offsets = deadLettered.get(partition);
            if (offsets != null) {
                offsets.removeIf(dead -> dead < offset.offset());
                if (offsets.isEmpty()) {
                    deadLettered.remove(partition);
                }
            }
        });
    }

    private static boolean acknowledged(Future<RecordMetadata> ack) {
        if (!ack.isDone() || ack.isCancelled()) {
            return false;
        }
        try {
            ack.get();
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String deviceId(SinkBatch entry) {
        if (!entry.readings().isEmpty()) {
            return entry.readings().get(0).getDeviceId();
        }
        if (!entry.aggregates().isEmpty()) {
            return entry.aggregates().get(0).getDeviceId();
        }
        return entry.alertEvents().isEmpty() ? null : entry.alertEvents().get(0).getDeviceId();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private void failed(KafkaConsumer<String, byte[]> kafkaConsumer, Exception e) throws InterruptedException {
        metrics.batchFailed();
        failures++;
        String reason = e.getMessage();
        status.degraded("cannot write batches: " + reason);
        if (failures == 1) {
            Log.warnf("telemetry sink cannot write to PostgreSQL, readings are held in Kafka and retried: %s", reason);
            Log.debug("batch failure", e);
        } else {
            Log.debugf("batch attempt %d failed: %s", failures, reason);
        }
        rewind(kafkaConsumer);
        if (!backOff()) {
            throw new WakeupException();
        }
    }

    private void recovered() {
        if (failures > 0) {
            Log.infof("telemetry sink writes again after %d failed attempts", failures);
            failures = 0;
        }
        status.healthy();
    }

    /** Seeks every assigned partition back to its committed offset, so the next poll replays the failed batch. */
    private static void rewind(KafkaConsumer<String, byte[]> kafkaConsumer) {
        Set<TopicPartition> assigned = kafkaConsumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = kafkaConsumer.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                kafkaConsumer.seekToBeginning(List.of(partition));
            } else {
                kafkaConsumer.seek(partition, offset);
            }
        }
    }

    /** Sleeps the current back-off; returns false if the loop was stopped meanwhile. */
    private boolean backOff() {
        long initial = settings.backoff().initial().toMillis();
        long max = settings.backoff().max().toMillis();
        int exponent = Math.max(0, Math.min(failures - 1, 20));
        long wait = Math.min(max, initial << exponent);
        try {
            synchronized (lifecycle) {
                if (running) {
                    lifecycle.wait(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running;
    }

    private final class RebalanceLogger implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing to flush: the previous batch was committed or rewound before this poll began. Whoever owns the
            // partitions next cannot know what this instance dead-lettered, so the memory of it goes too.
            Log.debugf("partitions revoked: %s", partitions);
            partitions.forEach(deadLettered::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Log.infof("partitions assigned: %s", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Log.infof("partitions lost, their uncommitted records go to the next owner: %s", partitions);
            partitions.forEach(deadLettered::remove);
        }
    }

    /** A record sent to the dead-letter topic, with the broker's acknowledgement to come. */
    private record DeadLetter(TopicPartition partition, long offset, Future<RecordMetadata> ack) {}
}
