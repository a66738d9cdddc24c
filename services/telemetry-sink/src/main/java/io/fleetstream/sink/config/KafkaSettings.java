package io.fleetstream.sink.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Kafka settings shared with the other services (see docs/architecture.md). */
@ConfigMapping(prefix = "fleetstream.kafka")
public interface KafkaSettings {

    /** Partitions of the device-keyed topics; must match every other service so that joins co-partition. */
    @WithDefault("6")
    int partitions();

    /** Whether the sink creates the topics it reads and its dead-letter topic at startup when they are missing. */
    @WithDefault("true")
    boolean createTopics();
}
