package io.fleetstream.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Topic settings shared by every Fleetstream service. */
@ConfigMapping(prefix = "fleetstream.kafka")
public interface KafkaTopicsConfig {

    /** Partitions of the device-keyed topics; the same for all of them so that joins are co-partitioned. */
    @WithDefault("6")
    int partitions();

    /** Whether the gateway creates the topics it reads and writes at startup, if they are missing. */
    @WithDefault("true")
    boolean createTopics();
}
