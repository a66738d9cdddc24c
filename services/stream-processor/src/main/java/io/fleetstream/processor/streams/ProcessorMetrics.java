package io.fleetstream.processor.streams;

import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.RuleKind;
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

    /**
     * Readings that arrived after their window was closed; tags {@code window} and {@code outcome} ({@code corrected}:
     * the window was published again with a new revision, {@code dropped}: beyond the correction horizon, stored raw
     * only). Prometheus adds {@code _total}.
     */
    public static final String LATE_READINGS = "fleetstream.streams.late.readings";
    /**
     * Duplicates dropped; tag {@code kind}: {@code message-id} counts whole readings whose (device, message id) was
     * seen before, {@code metric-value} counts single metric values whose (device, metric, ts) was seen before.
     */
    public static final String DUPLICATES = "fleetstream.streams.duplicates";
    /** Records written to the dead-letter topic; tag {@code reason}. */
    public static final String DEAD_LETTERS = "fleetstream.streams.dead.letters";
    /** Readings forwarded to the enriched topic. */
    public static final String ENRICHED_READINGS = "fleetstream.streams.enriched.readings";
    /** Windows closed and published; tag {@code window}. */
    public static final String WINDOWS_CLOSED = "fleetstream.streams.windows.closed";
    /** Alert events published; tags {@code kind} (rule kind) and {@code state}. */
    public static final String ALERT_TRANSITIONS = "fleetstream.streams.alert.transitions";
    /** Rule changelog records that could not be decoded and were skipped. */
    public static final String REJECTED_RULES = "fleetstream.streams.rejected.rules";
    /** Readings currently waiting for their device record, over all tasks of this instance. */
    public static final String PENDING_READINGS = "fleetstream.streams.pending.readings";
    /** Alert rules currently in the global rule store. */
    public static final String RULES = "fleetstream.streams.rules";

    private static final String WINDOW_TAG = "window";
    private static final String OUTCOME_TAG = "outcome";

    /** What became of a late reading, as the {@code outcome} tag of {@link #LATE_READINGS}. */
    enum LateOutcome {
        /** The closed window was published again with the next revision. */
        CORRECTED("corrected"),
        /** The window is beyond the correction horizon; the reading is only stored raw. */
        DROPPED("dropped");

        private final String tag;

        LateOutcome(String tag) {
            this.tag = tag;
        }
    }

    /** Which identity a duplicate repeated, as the {@code kind} tag of {@link #DUPLICATES}. */
    enum DuplicateKind {
        /** A whole reading whose (deviceId, messageId) was seen before. */
        MESSAGE_ID("message-id"),
        /** One metric value whose (deviceId, metric, ts) was seen before. */
        METRIC_VALUE("metric-value");

        private final String tag;

        DuplicateKind(String tag) {
            this.tag = tag;
        }
    }

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
        for (RuleKind kind : RuleKind.values()) {
            for (AlertState state : AlertState.values()) {
                alertCounter(kind, state);
            }
        }
        for (DuplicateKind kind : DuplicateKind.values()) {
            duplicateCounter(kind);
        }
    }

    /** Registers the per-window-size counters at zero, so that "none yet" reads as 0 rather than as missing. */
    void windowSizes(Iterable<Duration> sizes) {
        for (Duration size : sizes) {
            for (LateOutcome outcome : LateOutcome.values()) {
                lateCounter(size, outcome);
            }
            windowsClosedCounter(size);
        }
    }

    void lateReading(Duration windowSize, LateOutcome outcome) {
        lateCounter(windowSize, outcome).increment();
    }

    void duplicate(DuplicateKind kind, int count) {
        duplicateCounter(kind).increment(count);
    }

    private Counter lateCounter(Duration windowSize, LateOutcome outcome) {
        return Counter.builder(LATE_READINGS)
                .description("Readings that arrived after their window was closed; enriched, and corrected or dropped")
                .tag(WINDOW_TAG, WindowSizes.label(windowSize))
                .tag(OUTCOME_TAG, outcome.tag)
                .register(registry);
    }

    private Counter duplicateCounter(DuplicateKind kind) {
        return Counter.builder(DUPLICATES)
                .description("Duplicate readings and metric values dropped")
                .tag("kind", kind.tag)
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

    void alertTransition(RuleKind kind, AlertState state) {
        alertCounter(kind, state).increment();
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

    private Counter alertCounter(RuleKind kind, AlertState state) {
        return Counter.builder(ALERT_TRANSITIONS)
                .description("Alert events published")
                .tag("kind", kind.name())
                .tag("state", state.name())
                .register(registry);
    }

    private static double sum(Map<TaskId, AtomicLong> counts) {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
