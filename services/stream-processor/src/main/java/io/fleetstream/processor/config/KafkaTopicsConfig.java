package io.fleetstream.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Topic layout shared by every Fleetstream service. */
@ConfigMapping(prefix = "fleetstream.kafka")
public interface KafkaTopicsConfig {

    /** Partitions of every device-keyed topic; all must be equal so that readings and devices are co-partitioned. */
    @WithDefault("6")
    int partitions();

    /** Whether to create the topics this service reads and writes at startup, before Kafka Streams starts. */
    @WithDefault("true")
    boolean createTopics();
}
