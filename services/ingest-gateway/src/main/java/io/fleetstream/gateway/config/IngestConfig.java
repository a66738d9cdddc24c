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

    /** The per-device rate limit. */
    RateLimit rateLimit();

    /** What the gateway remembers of acknowledged {@code messageId}s. */
    Idempotency idempotency();

    /**
     * A token bucket per device, counted in readings: it holds at most {@code burst} readings and refills at
     * {@code readings-per-second}. A request takes as many tokens as it carries readings, or is refused with 429.
     */
    interface RateLimit {

        /** Sustained readings per second each device may send; 0 turns the limit off. */
        @WithDefault("1000")
        int readingsPerSecond();

        /**
         * Most readings a device may send at once after being idle. A request carrying more readings than this can
         * never pass and is answered with 413, so keep it at or above {@code max-readings-per-request}.
         */
        @WithDefault("5000")
        int burst();
    }

    /**
     * Memory of the {@code messageId}s whose readings Kafka acknowledged, per gateway instance and lost on restart.
     */
    interface Idempotency {

        /** How long an acknowledged {@code messageId} is remembered; a retry after that is written again. */
        @WithDefault("10m")
        Duration ttl();

        /** Most ids remembered per device; beyond it the device's oldest acknowledged ids are forgotten first. */
        @WithDefault("10000")
        int maxIdsPerDevice();

        /**
         * Most ids remembered in total (about 150 bytes each); beyond it the sending device's own oldest ids are
         * forgotten, and when it has none a new id is written without being remembered.
         */
        @WithDefault("500000")
        int maxIds();
    }

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

        /** Most bytes batched per partition before a batch is sent (Kafka {@code batch.size}). */
        @WithDefault("65536")
        int batchSize();
    }
}
