package io.fleetstream.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where Kafka Streams keeps its local state (RocksDB); it is rebuilt from changelog topics when lost. */
@ConfigMapping(prefix = "fleetstream.streams")
public interface StreamsStateConfig {

    /** Directory of the local state stores, relative to the working directory unless absolute (state.dir). */
    @WithDefault("data/stream-processor")
    String stateDir();
}
