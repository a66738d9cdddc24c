package io.fleetstream.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** Windowed aggregation: which tumbling windows are computed and when they are final. */
@ConfigMapping(prefix = "fleetstream.aggregation")
public interface AggregationConfig {

    /**
     * Tumbling window sizes, aligned to UTC epoch multiples of each size; one aggregate topic per size. Each must be a
     * whole number of seconds. telemetry-sink reads the same key.
     */
    @WithDefault("1m,1h")
    List<Duration> windowSizes();

    /**
     * How long after a window's end (in event time) readings for it are still accepted. A window is final once the
     * highest reading timestamp seen by its task reaches windowEnd + grace.
     */
    @WithDefault("1m")
    Duration grace();

    /**
     * Wall-clock silence after which a task closes every window whose end + grace has passed on the wall clock, so
     * that windows close even when a device or a whole partition stops sending.
     */
    @WithDefault("10s")
    Duration idleCloseAfter();

    /** How often (wall clock) the processor checks for idle windows and expired pending readings. */
    @WithDefault("1s")
    Duration punctuateInterval();
}
