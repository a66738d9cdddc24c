package io.fleetstream.processor.streams;

import io.fleetstream.schema.DeadLetterHeaders;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Writes refused records to {@link io.fleetstream.schema.Topics#DEAD_LETTER_STREAMS} through the dead-letter sink of
 * the topology, so that the write is part of the same exactly-once transaction as the rest of the task's output.
 */
final class DeadLetters {

    /** Value of the stage header. */
    static final String STAGE = "stream-processor";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final ProcessorContext<Object, Object> context;
    private final ProcessorMetrics metrics;

    DeadLetters(ProcessorContext<Object, Object> context, ProcessorMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /** Dead-letters a record as it was read from {@code source}, keeping its key, value and headers. */
    void send(
            Record<byte[], byte[]> record,
            RecordMetadata source,
            DeadLetterReason reason,
            String detail,
            Throwable error) {
        send(
                record.key(),
                record.value(),
                record.headers(),
                reason,
                detail,
                source.topic(),
                source.partition(),
                source.offset(),
                error);
    }

    /**
     * Dead-letters the original key and value bytes with the standard headers. The record timestamp is the wall-clock
     * time of the refusal: a reading's own, possibly old, timestamp would let topic retention delete it at once.
     */
    void send(
            byte[] key,
            byte[] value,
            Headers original,
            DeadLetterReason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            Throwable error) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            original.forEach(headers::add);
        }
        DeadLetterHeaders.describe(headers, STAGE, detail, topic, partition, offset, error);
        context.forward(
                new Record<Object, Object>(key, value, context.currentSystemTimeMs(), headers),
                TelemetryTopology.DEAD_LETTER_SINK);
        metrics.deadLettered(reason);
        LOG.warnf(
                "dead-lettered record from %s partition %d offset %d to %s: %s",
                topic, partition, offset, Topics.DEAD_LETTER_STREAMS, detail);
    }
}
