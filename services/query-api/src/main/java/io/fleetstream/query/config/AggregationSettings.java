package io.fleetstream.query.config;

import io.fleetstream.schema.WindowSizes;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** The window sizes the stream processor aggregates and the sink stores; the query API builds buckets from them. */
@ConfigMapping(prefix = "fleetstream.aggregation")
public interface AggregationSettings {

    /** Window size labels such as {@code 1m} or {@code 1h} (see {@link WindowSizes}). */
    @WithDefault("1m,5m,15m,1h")
    List<String> windowSizes();

    /** The configured window sizes, coarsest first. */
    default List<Duration> coarsestFirst() {
        return windowSizes().stream()
                .map(String::strip)
                .map(WindowSizes::parse)
                .distinct()
                .sorted(Comparator.reverseOrder())
                .toList();
    }
}
