package io.fleetstream.schema;

import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * Header names carried by every dead-letter record. The record keeps the original key and value bytes untouched;
 * these headers say where it came from and why it could not be processed.
 */
public final class DeadLetterHeaders {

    /** Human-readable reason, e.g. "not Avro single-object encoding". */
    public static final String REASON = "fleetstream.dlq.reason";
    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "fleetstream.dlq.source.topic";
    /** Partition the record was read from. */
    public static final String SOURCE_PARTITION = "fleetstream.dlq.source.partition";
    /** Offset the record was read from. */
    public static final String SOURCE_OFFSET = "fleetstream.dlq.source.offset";
    /** Class of the exception, if one was thrown. */
    public static final String EXCEPTION = "fleetstream.dlq.exception";
    /** Stage that gave up on the record, e.g. stream-processor. */
    public static final String STAGE = "fleetstream.dlq.stage";

    private DeadLetterHeaders() {}

    /** Adds the standard headers to a dead-letter record. */
    public static Headers describe(
            Headers headers, String stage, String reason, String topic, int partition, long offset, Throwable error) {
        add(headers, STAGE, stage);
        add(headers, REASON, reason);
        add(headers, SOURCE_TOPIC, topic);
        add(headers, SOURCE_PARTITION, Integer.toString(partition));
        add(headers, SOURCE_OFFSET, Long.toString(offset));
        if (error != null) {
            add(headers, EXCEPTION, error.getClass().getName());
        }
        return headers;
    }

    /** The value of a header as text, or null. */
    public static String read(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
