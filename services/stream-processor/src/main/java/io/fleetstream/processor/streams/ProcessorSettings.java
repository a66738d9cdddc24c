package io.fleetstream.processor.streams;

import io.fleetstream.schema.WindowSizes;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything the topology needs to know, independent of how it is configured (Quarkus config in the service, plain
 * values in tests).
 *
 * @param windowSizes tumbling window sizes, whole seconds each, no duplicates
 * @param grace event-time grace after a window's end
 * @param idleCloseAfter wall-clock silence of a task after which windows close on the wall clock
 * @param punctuateInterval wall-clock period of the idle and pending-timeout checks
 * @param pendingTimeout wall-clock time a reading may wait for its device record
 * @param correctionHorizon how long after windowEnd + grace (on the device's clock) a closed window is kept so that
 *     late readings correct it with a new revision
 * @param dedupRetention how far behind the newest reading timestamp of a task message ids and (device, metric, ts)
 *     values are remembered for duplicate detection; raised to {@link #minimumDedupRetention} when shorter
 */
public record ProcessorSettings(
        List<Duration> windowSizes,
        Duration grace,
        Duration idleCloseAfter,
        Duration punctuateInterval,
        Duration pendingTimeout,
        Duration correctionHorizon,
        Duration dedupRetention) {

    public ProcessorSettings {
        windowSizes = List.copyOf(windowSizes);
        if (windowSizes.isEmpty()) {
            throw new IllegalArgumentException("at least one aggregation window size is required");
        }
        windowSizes.forEach(WindowSizes::label);
        if (new HashSet<>(windowSizes).size() != windowSizes.size()) {
            throw new IllegalArgumentException("aggregation window sizes must be distinct: " + windowSizes);
        }
        requireNotNegative("grace", grace);
        requirePositive("idle-close-after", idleCloseAfter);
        requirePositive("punctuate-interval", punctuateInterval);
        requirePositive("pending-timeout", pendingTimeout);
        requireNotNegative("correction-horizon", correctionHorizon);
        requirePositive("deduplication retention", dedupRetention);
        // Any value that can still change an aggregate must still be remembered, or a retry would be counted twice.
        dedupRetention = max(dedupRetention, minimumDedupRetention(windowSizes, grace, correctionHorizon));
    }

    /**
     * The shortest duplicate memory that still covers every value an aggregate can take: the largest window + grace +
     * correction horizon.
     */
    public static Duration minimumDedupRetention(
            List<Duration> windowSizes, Duration grace, Duration correctionHorizon) {
        Duration largest = windowSizes.stream().max(Duration::compareTo).orElseThrow();
        return largest.plus(grace).plus(correctionHorizon);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        requireNotNegative(name, value);
        if (value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
