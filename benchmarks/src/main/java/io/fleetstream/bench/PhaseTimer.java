package io.fleetstream.bench;

import java.time.Duration;

/**
 * The timeline of one phase: warm-up from {@link #start()}, then the measurement window. Load generators read the
 * window's bounds on every completion to decide whether it counts.
 */
final class PhaseTimer {

    private final long start;
    private final long measureStart;
    private final long measureEnd;

    PhaseTimer(Duration warmUp, Duration measure) {
        this.start = System.nanoTime();
        this.measureStart = start + warmUp.toNanos();
        this.measureEnd = measureStart + measure.toNanos();
    }

    long start() {
        return start;
    }

    boolean inWindow(long nanos) {
        return nanos >= measureStart && nanos < measureEnd;
    }

    boolean over(long nanos) {
        return nanos >= measureEnd;
    }

    Duration measured() {
        return Duration.ofNanos(measureEnd - measureStart);
    }

    void awaitMeasureStart() {
        sleepUntil(measureStart);
    }

    void awaitMeasureEnd() {
        sleepUntil(measureEnd);
    }

    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted during a benchmark phase", e);
            }
        }
    }
}
