package io.fleetstream.schema;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Creates the topics a service writes, if they do not exist yet, and checks that existing device-keyed topics have
 * the expected partition count (a mismatch would silently break co-partitioned joins, so it fails loudly instead).
 */
public final class TopicProvisioner {

    private TopicProvisioner() {}

    /** Creates the missing topics among {@code specs}; returns the names that were created. */
    public static Set<String> ensure(String bootstrapServers, Collection<Topics.TopicSpec> specs) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(spec -> !existing.contains(spec.name()))
                    .map(spec -> new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty())
                            .configs(spec.configs()))
                    .toList();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            checkPartitions(admin, specs);
            return missing.stream().map(NewTopic::name).collect(Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create Kafka topics at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private static void checkPartitions(Admin admin, Collection<Topics.TopicSpec> specs)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> names = specs.stream().map(Topics.TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = null;
        // Metadata of a topic created a moment ago may not have reached the broker we ask yet.
        for (int attempt = 1; descriptions == null; attempt++) {
            try {
                descriptions = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        for (Topics.TopicSpec spec : specs) {
            int actual = descriptions.get(spec.name()).partitions().size();
            if (actual != spec.partitions()) {
                throw new IllegalStateException("topic " + spec.name() + " has " + actual + " partitions but "
                        + spec.partitions() + " are configured; all device-keyed topics must have the same count."
                        + " Set fleetstream partitions to " + actual + " or recreate the topic.");
            }
        }
    }
}
