package io.fleetstream.query.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Shared topic settings (see docs/architecture.md, "Configuration keys shared by several services"). */
@ConfigMapping(prefix = "fleetstream.kafka")
public interface KafkaTopicsSettings {

    /** Partitions of device-keyed topics when this service creates them; the operator key changelog has one. */
    @WithDefault("6")
    int partitions();

    /** Whether to create the operator key changelog at start when it does not exist yet. */
    @WithDefault("true")
    boolean createTopics();
}
