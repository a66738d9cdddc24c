package io.fleetstream.query.kafka;

import io.fleetstream.schema.TopicProvisioner;
import io.fleetstream.schema.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;

/** Creates the operator key changelog when configured to and starts following it. */
@ApplicationScoped
public class KafkaStartup {

    private final KafkaSettings settings;
    private final KafkaTopicsSettings topics;
    private final OperatorKeys keys;

    public KafkaStartup(KafkaSettings settings, KafkaTopicsSettings topics, OperatorKeys keys) {
        this.settings = settings;
        this.topics = topics;
        this.keys = keys;
    }

    void onStart(@Observes StartupEvent event) {
        if (topics.createTopics()) {
            try {
                List<Topics.TopicSpec> specs = Topics.catalogue(topics.partitions(), List.of()).stream()
                        .filter(spec -> spec.name().equals(Topics.REGISTRY_OPERATOR_KEYS))
                        .toList();
                Set<String> created = TopicProvisioner.ensure(settings.bootstrapServers(), specs);
                Log.infof("kafka: topic [%s] present (created now: %s)", Topics.REGISTRY_OPERATOR_KEYS, created);
            } catch (RuntimeException e) {
                // The view waits for the topic by itself; requests answer 503 until it has caught up.
                Log.warnf(
                        "kafka: cannot make sure topic [%s] exists (%s); operators are refused with 503 until the"
                                + " key changelog can be read",
                        Topics.REGISTRY_OPERATOR_KEYS, e.getMessage());
            }
        }
        keys.start();
    }
}
