package io.fleetstream.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * What one measured phase achieved.
 *
 * @param name what the phase measures
 * @param operations requests (raw producer: records) completed successfully within the measurement window
 * @param items readings (raw producer: records) in those operations
 * @param measured length of the measurement window
 * @param latencyMicros latency of the operations completed within the window, in microseconds
 * @param operationsTotal operations sent in the whole phase, warm-up included
 * @param acceptedTotal readings the gateway reported as accepted (raw producer: records acknowledged), whole phase
 * @param unexpected answers other than 202 (raw producer: failed sends) by status or error, whole phase
 * @param cpu CPU use during the measurement window
 * @param boundReached whether the phase stopped at its count bound before the measurement window ended
 */
record PhaseResult(
        String name,
        long operations,
        long items,
        Duration measured,
        Histogram latencyMicros,
        long operationsTotal,
        long acceptedTotal,
        Map<String, Long> unexpected,
        CpuMeter.Usage cpu,
        boolean boundReached) {

    double operationsPerSecond() {
        return operations / seconds();
    }

    double itemsPerSecond() {
        return items / seconds();
    }

    /** Readings (raw producer: records) per request. */
    double itemsPerOperation() {
        return operations == 0 ? 0 : (double) items / operations;
    }

    /** A latency percentile in milliseconds. */
    double latencyMillis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    long unexpectedCount() {
        return unexpected.values().stream().mapToLong(Long::longValue).sum();
    }

    private double seconds() {
        return measured.toNanos() / 1e9;
    }
}
