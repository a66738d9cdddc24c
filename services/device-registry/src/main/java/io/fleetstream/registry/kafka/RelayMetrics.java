package io.fleetstream.registry.kafka;

/** Names of the outbox relay's metrics (Micrometer names; Prometheus replaces dots with underscores). */
public final class RelayMetrics {

    /** Gauge: outbox rows not yet acknowledged by Kafka ({@code fleetstream_registry_outbox_pending}). */
    public static final String PENDING = "fleetstream.registry.outbox.pending";

    /** Counter, tag {@code topic}: records acknowledged by Kafka and removed from the outbox. */
    public static final String PUBLISHED = "fleetstream.registry.outbox.published";

    /** Counter, tag {@code cause} ({@code kafka}, {@code database}, {@code other}): failed relay attempts. */
    public static final String FAILURES = "fleetstream.registry.outbox.relay.failures";

    private RelayMetrics() {}
}
