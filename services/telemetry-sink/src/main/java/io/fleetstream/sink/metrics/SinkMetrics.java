package io.fleetstream.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The sink's meters; their names are defined here and nowhere else. */
@ApplicationScoped
public class SinkMetrics {

    /** Rows inserted (or, for CLEARED alerts, updated) per table; tag {@code table}. */
    public static final String ROWS_WRITTEN = "fleetstream.sink.rows.written";
    /** Rows offered but already present (first value wins); tag {@code table}. */
    public static final String ROWS_DUPLICATE = "fleetstream.sink.rows.duplicate";
    /** Time from poll to offset commit of one batch. */
    public static final String BATCH_DURATION = "fleetstream.sink.batch.duration";
    /**
     * Records that could not be decoded or that PostgreSQL refused, counted once the dead-letter topic acknowledged
     * them; tag {@code topic} (where they were read from).
     */
    public static final String DEAD_LETTERED = "fleetstream.sink.records.dead.lettered";
    /** Failed attempts to write a batch (database or dead-letter topic unavailable). */
    public static final String BATCH_FAILURES = "fleetstream.sink.batch.failures";
    /** Epoch seconds of the last batch whose offsets were committed. */
    public static final String LAST_COMMIT = "fleetstream.sink.last.commit.time";

    private final MeterRegistry registry;
    private final Timer batchDuration;
    private final Counter batchFailures;
    private final AtomicLong lastCommitEpochMillis = new AtomicLong();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchDuration = Timer.builder(BATCH_DURATION)
                .description("Time from poll to offset commit of one sink batch")
                .register(registry);
        this.batchFailures = Counter.builder(BATCH_FAILURES)
                .description("Failed attempts to write a batch; the batch is retried")
                .register(registry);
        Gauge.builder(LAST_COMMIT, lastCommitEpochMillis, millis -> millis.get() / 1000.0)
                .description("Epoch seconds of the last batch committed to PostgreSQL and Kafka")
                .baseUnit("seconds")
                .register(registry);
    }

    public void rowsWritten(String table, long written, long offered) {
        counter(ROWS_WRITTEN, "table", table).increment(written);
        if (offered > written) {
            counter(ROWS_DUPLICATE, "table", table).increment(offered - written);
        }
    }

    public void deadLettered(String topic) {
        counter(DEAD_LETTERED, "topic", topic).increment();
    }

    public void batchFailed() {
        batchFailures.increment();
    }

    public void batchCommitted(Duration took, Instant at) {
        batchDuration.record(took);
        lastCommitEpochMillis.set(at.toEpochMilli());
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(
                name + '|' + value, key -> Counter.builder(name).tag(tag, value).register(registry));
    }
}
