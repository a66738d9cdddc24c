package io.fleetstream.gateway.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per device, counted in readings. A bucket starts full ({@code burst} tokens) and refills at
 * {@code readingsPerSecond}; a request takes one token per reading, all or none.
 *
 * <p>A bucket that has refilled completely is indistinguishable from a new one, so {@link #sweep(long)} drops it:
 * memory holds only the devices that sent within the last {@code burst / readingsPerSecond} seconds.
 *
 * <p>Thread-safe; times are {@link System#nanoTime()} values passed in by the caller, so tests control the clock.
 */
public final class RateLimiter {

    private static final double NANOS_PER_SECOND = 1e9;

    private final int readingsPerSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param readingsPerSecond sustained rate per device; 0 means unlimited
     * @param burst bucket capacity in readings
     */
    public RateLimiter(int readingsPerSecond, int burst) {
        if (readingsPerSecond < 0 || (readingsPerSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("fleetstream.ingest.rate-limit needs readings-per-second >= 0 and, "
                    + "when it is not 0, burst >= 1; got " + readingsPerSecond + " and " + burst);
        }
        this.readingsPerSecond = readingsPerSecond;
        this.burst = burst;
    }

    /** Whether a limit applies at all. */
    public boolean enabled() {
        return readingsPerSecond > 0;
    }

    /** The bucket capacity: the most readings one request can ever take. */
    public int burst() {
        return burst;
    }

    /** The sustained rate. */
    public int readingsPerSecond() {
        return readingsPerSecond;
    }

    /**
     * Takes {@code readings} tokens from the device's bucket at time {@code nowNanos}.
     *
     * @return 0 when they were taken; otherwise nothing is taken and the value is how many nanoseconds until the
     *     bucket holds enough (for a request larger than {@link #burst()}: {@link Long#MAX_VALUE})
     */
    public long tryAcquire(String deviceId, int readings, long nowNanos) {
        if (!enabled() || readings <= 0) {
            return 0;
        }
        if (readings > burst) {
            return Long.MAX_VALUE;
        }
        while (true) {
            Bucket bucket = buckets.computeIfAbsent(deviceId, id -> new Bucket(burst, nowNanos));
            synchronized (bucket) {
                if (bucket.retired) {
                    continue; // swept between the lookup and the lock; take from its successor
                }
                bucket.refill(nowNanos, readingsPerSecond, burst);
                if (bucket.tokens >= readings) {
                    bucket.tokens -= readings;
                    return 0;
                }
                double missing = readings - bucket.tokens;
                return Math.max(1, (long) Math.ceil(missing * NANOS_PER_SECOND / readingsPerSecond));
            }
        }
    }

    /** Drops the buckets that are full again at {@code nowNanos}; returns how many remain. */
    public int sweep(long nowNanos) {
        buckets.forEach((deviceId, bucket) -> {
            synchronized (bucket) {
                bucket.refill(nowNanos, readingsPerSecond, burst);
                if (bucket.tokens >= burst) {
                    bucket.retired = true;
                    buckets.remove(deviceId, bucket);
                }
            }
        });
        return buckets.size();
    }

    /** How many devices have a bucket that is not full. */
    public int size() {
        return buckets.size();
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;
        private boolean retired;

        private Bucket(int tokens, long nowNanos) {
            this.tokens = tokens;
            this.updatedNanos = nowNanos;
        }

        private void refill(long nowNanos, int readingsPerSecond, int burst) {
            long elapsed = nowNanos - updatedNanos;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * (readingsPerSecond / NANOS_PER_SECOND));
                updatedNanos = nowNanos;
            }
        }
    }
}
