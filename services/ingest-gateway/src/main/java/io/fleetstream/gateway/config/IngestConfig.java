package io.fleetstream.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Limits and timeouts of the HTTP ingestion edge. */
@ConfigMapping(prefix = "fleetstream.ingest")
public interface IngestConfig {

    /** How far ahead of the gateway clock a reading's {@code ts} may be before it is rejected. */
    @WithDefault("5m")
    Duration maxFutureSkew();

    /** How far behind the gateway clock a reading's {@code ts} may be before it is rejected as too old. */
    @WithDefault("30d")
    Duration maxAge();

    /** Most readings one request may carry; more is answered with 413. */
    @WithDefault("1000")
    int maxReadingsPerRequest();

    /**
     * Largest request body in bytes; more is answered with 413. Keep {@code quarkus.http.limits.max-body-size} above
     * it, otherwise the HTTP layer refuses larger bodies before the gateway can explain the limit.
     */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Most metrics one reading may carry. */
    @WithDefault("100")
    int maxMetricsPerReading();

    /** Value of the {@code Retry-After} header sent with a 503 (rounded up to whole seconds). */
    @WithDefault("5s")
    Duration retryAfter();

    /** Settings of the Kafka producer that writes accepted readings. */
    Producer producer();

    /** Bounds on how long a request may wait for Kafka. */
    interface Producer {

        /**
         * Upper bound on the time between a send and its acknowledgement, retries included (Kafka
         * {@code delivery.timeout.ms}); a request whose readings are not acknowledged within it is answered with 503.
         */
        @WithDefault("10s")
        Duration deliveryTimeout();

        /**
         * How long a send may wait for topic metadata or buffer space before failing (Kafka {@code max.block.ms}).
         */
        @WithDefault("5s")
        Duration maxBlock();

        /** How long the producer waits to batch records for the same partition (Kafka {@code linger.ms}). */
        @WithDefault("5ms")
        Duration linger();

        /** Compression of produced batches: none, gzip, snappy, lz4 or zstd. */
        @WithDefault("lz4")
        String compression();
    }
}
