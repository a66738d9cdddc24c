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
 */
public record ProcessorSettings(
        List<Duration> windowSizes,
        Duration grace,
        Duration idleCloseAfter,
        Duration punctuateInterval,
        Duration pendingTimeout) {

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
