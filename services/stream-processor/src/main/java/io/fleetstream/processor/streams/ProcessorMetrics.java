package io.fleetstream.processor.streams;

import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.WindowSizes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.processor.TaskId;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own meters. Counters count processing attempts: if an exactly-once transaction aborts and its records
 * are processed again, the counters see them twice while the output topics see them once.
 */
@Singleton
public class ProcessorMetrics {

    /** Readings too late for a window that was already closed; tag {@code window}. Prometheus adds {@code _total}. */
    public static final String LATE_READINGS = "fleetstream.streams.late.readings";
    /** Records written to the dead-letter topic; tag {@code reason}. */
    public static final String DEAD_LETTERS = "fleetstream.streams.dead.letters";
    /** Readings forwarded to the enriched topic. */
    public static final String ENRICHED_READINGS = "fleetstream.streams.enriched.readings";
    /** Windows closed and published; tag {@code window}. */
    public static final String WINDOWS_CLOSED = "fleetstream.streams.windows.closed";
    /** Alert events published; tag {@code state}. */
    public static final String ALERT_TRANSITIONS = "fleetstream.streams.alert.transitions";
    /** Rule changelog records that could not be decoded and were skipped. */
    public static final String REJECTED_RULES = "fleetstream.streams.rejected.rules";
    /** Readings currently waiting for their device record, over all tasks of this instance. */
    public static final String PENDING_READINGS = "fleetstream.streams.pending.readings";
    /** Alert rules currently in the global rule store. */
    public static final String RULES = "fleetstream.streams.rules";

    private static final String WINDOW_TAG = "window";

    private final MeterRegistry registry;
    private final Counter enriched;
    private final Counter rejectedRules;
    private final Map<TaskId, AtomicLong> pendingByTask = new ConcurrentHashMap<>();
    private final AtomicLong rules = new AtomicLong();

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.enriched = Counter.builder(ENRICHED_READINGS)
                .description("Readings enriched with their device record and published")
                .register(registry);
        this.rejectedRules = Counter.builder(REJECTED_RULES)
                .description("Alert rule records that could not be decoded and were skipped")
                .register(registry);
        Gauge.builder(PENDING_READINGS, pendingByTask, ProcessorMetrics::sum)
                .description("Readings waiting for their device record")
                .register(registry);
        Gauge.builder(RULES, rules, AtomicLong::get)
                .description("Alert rules in the global rule store")
                .register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounter(reason);
        }
        for (AlertState state : AlertState.values()) {
            alertCounter(state);
        }
    }

    /** Registers the per-window-size counters at zero, so that "none yet" reads as 0 rather than as missing. */
    void windowSizes(Iterable<Duration> sizes) {
        for (Duration size : sizes) {
            lateCounter(size);
            windowsClosedCounter(size);
        }
    }

    void lateReading(Duration windowSize) {
        lateCounter(windowSize).increment();
    }

    private Counter lateCounter(Duration windowSize) {
        return Counter.builder(LATE_READINGS)
                .description("Readings that arrived after their window was closed; enriched but not aggregated")
                .tag(WINDOW_TAG, WindowSizes.label(windowSize))
                .register(registry);
    }

    private Counter windowsClosedCounter(Duration windowSize) {
        return Counter.builder(WINDOWS_CLOSED)
                .description("Windows closed and published, per device")
                .tag(WINDOW_TAG, WindowSizes.label(windowSize))
                .register(registry);
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetterCounter(reason).increment();
    }

    void enriched() {
        enriched.increment();
    }

    void windowClosed(Duration windowSize) {
        windowsClosedCounter(windowSize).increment();
    }

    void alertTransition(AlertState state) {
        alertCounter(state).increment();
    }

    void ruleRejected() {
        rejectedRules.increment();
    }

    void rulesInStore(long count) {
        rules.set(count);
    }

    /** The live pending-reading count of one task; the gauge sums all tasks. */
    AtomicLong pendingReadings(TaskId task) {
        return pendingByTask.computeIfAbsent(task, id -> new AtomicLong());
    }

    void taskClosed(TaskId task) {
        pendingByTask.remove(task);
    }

    private Counter deadLetterCounter(DeadLetterReason reason) {
        return Counter.builder(DEAD_LETTERS)
                .description("Records written to the stream processor's dead-letter topic")
                .tag("reason", reason.tag())
                .register(registry);
    }

    private Counter alertCounter(AlertState state) {
        return Counter.builder(ALERT_TRANSITIONS)
                .description("Alert events published")
                .tag("state", state.name())
                .register(registry);
    }

    private static double sum(Map<TaskId, AtomicLong> counts) {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
