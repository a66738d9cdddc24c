package io.fleetstream.sink.kafka;

import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends records the sink refuses to {@link Topics#DEAD_LETTER_SINK}, with the original key, value and headers plus
 * {@link DeadLetterHeaders}. The producer is idempotent with acks=all; the caller waits for the acknowledgements before
 * it commits the offsets of the batch, so a refused record is never lost.
 */
final class DeadLetterPublisher implements AutoCloseable {

    static final String STAGE = "telemetry-sink";

    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration timeout;

    DeadLetterPublisher(String bootstrapServers, Duration timeout) {
        this.timeout = timeout;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "telemetry-sink-dlq",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis(),
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) Math.min(timeout.toMillis(), 15_000)),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    Future<RecordMetadata> send(ConsumerRecord<String, byte[]> record, String reason, Throwable error) {
        var headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.describe(headers, STAGE, reason, record.topic(), record.partition(), record.offset(), error);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(Topics.DEAD_LETTER_SINK, null, key, record.value(), headers));
    }

    /** Waits until every send is acknowledged; throws if any failed, so the batch is retried. */
    void awaitAll(List<Future<RecordMetadata>> sends) throws DeadLetterException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeadLetterException("interrupted while waiting for the dead-letter topic", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new DeadLetterException(
                        "dead-letter topic " + Topics.DEAD_LETTER_SINK + " did not acknowledge: "
                                + (e.getCause() == null ? e : e.getCause()).getMessage(),
                        e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The dead-letter topic could not take a record; the batch must not be committed. */
    static final class DeadLetterException extends Exception {
        DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
