package io.fleetstream.sink.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the Kafka-to-PostgreSQL loop. */
@ConfigMapping(prefix = "fleetstream.sink")
public interface SinkSettings {

    /** Kafka consumer group shared by every sink instance; offsets are committed only after the database commit. */
    @WithDefault("fleetstream-telemetry-sink")
    String groupId();

    /** Most Kafka records taken by one poll; one poll is written in one database transaction. */
    @WithDefault("5000")
    int maxBatchRecords();

    /** How long one poll waits for records before returning an empty batch. */
    @WithDefault("500ms")
    Duration pollTimeout();

    /** How long a batch waits for the dead-letter topic to acknowledge its refused records before it is retried. */
    @WithDefault("30s")
    Duration deadLetterTimeout();

    /** Retry behaviour after a failed batch (database or dead-letter topic unavailable). */
    Backoff backoff();

    /** Exponential back-off between retries of a failed batch. */
    interface Backoff {

        /** Wait after the first failure; doubled after each further failure. */
        @WithDefault("1s")
        Duration initial();

        /** Longest wait between two retries. */
        @WithDefault("30s")
        Duration max();
    }
}
