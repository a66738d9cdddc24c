package io.fleetstream.registry.kafka;

import io.fleetstream.schema.Topics;

import java.util.List;
import java.util.Set;

/** The changelog topics the registry writes, taken from the platform catalogue. */
public final class RegistryTopics {

    /** Names of the topics this service writes. */
    public static final Set<String> NAMES = Set.of(
            Topics.REGISTRY_DEVICES,
            Topics.REGISTRY_CREDENTIALS,
            Topics.REGISTRY_ALERT_RULES,
            Topics.REGISTRY_OPERATOR_KEYS);

    private RegistryTopics() {}

    /** The registry topics with the partitions and settings the catalogue prescribes. */
    public static List<Topics.TopicSpec> specs(int partitions) {
        // The registry writes no aggregate topics, so the window sizes do not matter here.
        return Topics.catalogue(partitions, List.of()).stream()
                .filter(spec -> NAMES.contains(spec.name()))
                .toList();
    }
}
