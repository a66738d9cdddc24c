package io.fleetstream.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the outbox relay moves committed registry changes to Kafka. */
@ConfigMapping(prefix = "fleetstream.outbox")
public interface OutboxSettings {

    /** Pause between two polls of the outbox table when the previous poll found nothing to publish. */
    @WithDefault("100ms")
    Duration pollInterval();

    /** Most outbox rows published in one batch (one database transaction, one wait for acknowledgements). */
    @WithDefault("500")
    int batchSize();

    /**
     * Longest wait for Kafka to acknowledge a batch (producer delivery timeout); a batch not acknowledged in time
     * stays in the outbox and is retried.
     */
    @WithDefault("30s")
    Duration sendTimeout();

    /** First pause after a failed batch; doubled after each further failure up to {@link #maxBackoff()}. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** Longest pause between two attempts while Kafka or the database is unavailable. */
    @WithDefault("10s")
    Duration maxBackoff();

    /** How often an idle relay checks that it can still reach Kafka, so that readiness stays truthful. */
    @WithDefault("5s")
    Duration probeInterval();

    /** Readiness turns DOWN when the relay has not reached Kafka for longer than this. */
    @WithDefault("30s")
    Duration maxContactAge();
}
