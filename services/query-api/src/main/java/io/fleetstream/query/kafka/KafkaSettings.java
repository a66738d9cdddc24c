package io.fleetstream.query.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.CommonClientConfigs;

import java.util.HashMap;
import java.util.Map;

/** The {@code kafka.*} configuration properties (prefix removed) every Kafka client of the query API starts from. */
@ApplicationScoped
public class KafkaSettings {

    private final Map<String, Object> common;

    public KafkaSettings(@Identifier("default-kafka-broker") Map<String, Object> common) {
        this.common = Map.copyOf(common);
    }

    /** A mutable copy of the common settings, for one client to add its own to. */
    public Map<String, Object> copy() {
        return new HashMap<>(common);
    }

    /** The bootstrap servers, as configured by {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        Object servers = common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalStateException("kafka.bootstrap.servers is not set; point it at the Kafka cluster");
        }
        return servers.toString();
    }
}
