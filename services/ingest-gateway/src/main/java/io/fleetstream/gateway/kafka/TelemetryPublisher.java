package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.config.IngestConfig;
import io.fleetstream.gateway.domain.Reading;
import io.fleetstream.schema.Topics;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes accepted readings to {@link Topics#TELEMETRY_RAW} as {@link io.fleetstream.schema.TelemetryReading} (encoded
 * by {@link RawReadingEncoder}): one record per reading, keyed by device id, with the reading's event time as the
 * record timestamp. The producer is idempotent with {@code acks=all}, so an acknowledged
 * record is on every in-sync replica and a retried batch is not duplicated by the broker.
 */
@ApplicationScoped
public class TelemetryPublisher {

    private static final String TOPIC = Topics.TELEMETRY_RAW;

    // Sends happen on the event loops; each encodes into a buffer of its own.
    private static final ThreadLocal<RawReadingEncoder> ENCODERS = ThreadLocal.withInitial(RawReadingEncoder::new);

    // Keys are serialized by publish, once per request: the UTF-8 bytes of the device id, exactly what a
    // StringSerializer would give for every record, so the partition of a device is the same.
    private final KafkaProducer<byte[], byte[]> producer;

    public TelemetryPublisher(KafkaSettings settings, IngestConfig config) {
        IngestConfig.Producer tuning = config.producer();
        long linger = tuning.linger().toMillis();
        long delivery = tuning.deliveryTimeout().toMillis();
        Map<String, Object> props = settings.copy();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-gateway");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, tuning.compression());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSize());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, delivery - linger));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, tuning.maxBlock().toMillis());
        // Keep the topic's metadata even through quiet hours, so that a send never has to fetch it on the event loop.
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int)
                Duration.ofDays(1).toMillis());
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        Log.infof(
                "telemetry publisher: writing to [%s] with acks=all, idempotence, linger %dms, batches of %d bytes, "
                        + "%s compression, delivery timeout %dms",
                TOPIC, linger, tuning.batchSize(), tuning.compression(), delivery);
    }

    /** Hears the fate of each reading of a {@link #publish} call, exactly once per reading. */
    public interface RecordOutcomes {

        /** Kafka acknowledged the reading at {@code index}. */
        void written(int index);

        /** The reading at {@code index} was not written (send failed, or not sent after an earlier failure). */
        void failed(int index);
    }

    /**
     * Sends every reading and completes once Kafka has acknowledged all of them, with the number written; completes
     * exceptionally as soon as one send fails. Readings sent before a failure may already be in Kafka; {@code outcomes}
     * hears which, on the producer's thread.
     *
     * <p>A send returns at once while the producer has the topic's metadata (fetched by {@link #warmUp()} and kept
     * for as long as the gateway runs) and buffer space. Only when the buffer is full, because Kafka has been slower
     * than the incoming traffic for a while, does a send wait, for at most {@code max-block}; the request is then
     * answered with 503.
     */
    public CompletionStage<Integer> publish(
            String deviceId, Instant receivedAt, List<Reading> readings, RecordOutcomes outcomes) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (readings.isEmpty()) {
            done.complete(0);
            return done;
        }
        AtomicInteger pending = new AtomicInteger(readings.size());
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        long receivedAtMillis = receivedAt.toEpochMilli();
        RawReadingEncoder encoder = ENCODERS.get();
        for (int i = 0; i < readings.size(); i++) {
            Reading reading = readings.get(i);
            // The key bytes are the device id's UTF-8 bytes, which is also how the value holds it.
            byte[] value = encoder.encode(key, receivedAtMillis, reading);
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(TOPIC, null, reading.ts().toEpochMilli(), key, value);
            int index = i;
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        outcomes.failed(index);
                        done.completeExceptionally(error);
                    } else {
                        outcomes.written(index);
                        if (pending.decrementAndGet() == 0) {
                            done.complete(readings.size());
                        }
                    }
                });
            } catch (RuntimeException e) {
                // Metadata or buffer space did not arrive within max-block; the remaining readings are not sent.
                for (int unsent = i; unsent < readings.size(); unsent++) {
                    outcomes.failed(unsent);
                }
                done.completeExceptionally(e);
                break;
            }
        }
        return done;
    }

    /**
     * Fetches the topic's metadata, so that the first request does not wait for it. Failure is not fatal: the
     * gateway reports not ready while Kafka is unreachable, and the first send fetches the metadata instead.
     */
    public void warmUp() {
        try {
            int partitions = producer.partitionsFor(TOPIC).size();
            Log.infof("telemetry publisher: [%s] has %d partitions", TOPIC, partitions);
        } catch (RuntimeException e) {
            Log.warnf(
                    "telemetry publisher: no metadata for [%s] yet (%s); the first telemetry request will fetch it",
                    TOPIC, e.getMessage());
        }
    }

    /** Flushes what is in flight and closes the producer. */
    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(10));
        Log.info("telemetry publisher: closed");
    }
}
