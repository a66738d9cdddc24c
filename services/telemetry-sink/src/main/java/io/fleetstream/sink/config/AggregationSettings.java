package io.fleetstream.sink.config;

import io.fleetstream.schema.WindowSizes;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** Aggregation window sizes; the stream processor writes one aggregate topic per size and the sink reads them all. */
@ConfigMapping(prefix = "fleetstream.aggregation")
public interface AggregationSettings {

    /** Window size labels such as {@code 1m} or {@code 1h} (see {@link WindowSizes}). */
    @WithDefault("1m,5m,15m,1h")
    List<String> windowSizes();

    /** The configured window sizes as durations. */
    default List<Duration> windowDurations() {
        return windowSizes().stream().map(WindowSizes::parse).toList();
    }
}
