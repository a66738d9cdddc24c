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
    @WithDefault("1m,5m,15m,1h")
    List<Duration> windowSizes();

    /**
     * How long after a window's end (in event time) readings for it are still accepted. A window is final once the
     * highest reading timestamp seen by its task reaches windowEnd + grace.
     */
    @WithDefault("1m")
    Duration grace();

    /**
     * Wall-clock silence of a whole task (partition) after which it closes every window whose end + grace has passed
     * on the wall clock. Meant for replays of historical data, whose device clocks lag far behind the wall clock; live
     * devices have their windows closed by their own clock (see the README).
     */
    @WithDefault("10s")
    Duration idleCloseAfter();

    /**
     * How long a closed window is kept after windowEnd + grace (measured on its device's clock) so that a reading
     * arriving later still corrects it: the whole window is published again with the next revision. Readings for
     * windows older than this are stored raw but dropped from aggregates.
     */
    @WithDefault("1h")
    Duration correctionHorizon();

    /** How often (wall clock) the processor checks for idle windows and expired pending readings. */
    @WithDefault("1s")
    Duration punctuateInterval();
}
