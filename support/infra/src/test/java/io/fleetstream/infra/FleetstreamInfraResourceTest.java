package io.fleetstream.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetstreamInfraResourceTest {

    @Test
    void startsSharedServersAndReturnsLoopbackConfig() throws Exception {
        FleetstreamInfraResource resource = new FleetstreamInfraResource();
        resource.init(Map.of(
                FleetstreamInfraResource.DATABASE, "ingest",
                FleetstreamInfraResource.TOPICS, "telemetry.raw:4, device.registry:2:compact"));

        Map<String, String> config = resource.start();

        String bootstrap = SharedInfra.kafka().bootstrapServers();
        assertThat(config)
                .containsEntry("kafka.bootstrap.servers", bootstrap)
                .containsEntry("quarkus.kafka-streams.bootstrap-servers", bootstrap)
                .containsEntry(
                        "quarkus.datasource.jdbc.url", SharedInfra.postgres().jdbcUrl("ingest"))
                .containsEntry("quarkus.datasource.username", "postgres")
                .containsEntry("quarkus.datasource.password", "postgres")
                .containsEntry("quarkus.http.host", "127.0.0.1")
                .containsEntry("quarkus.devservices.enabled", "false");
        assertThat(bootstrap).startsWith("127.0.0.1:");
        try (Connection connection = DriverManager.getConnection(
                config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password"))) {
            assertThat(connection.getCatalog()).isEqualTo("ingest");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of("telemetry.raw", "device.registry"))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS);
            assertThat(topics.get("telemetry.raw").partitions()).hasSize(4);
            assertThat(topics.get("device.registry").partitions()).hasSize(2);
        }

        // A second test class in the same JVM gets the same servers.
        FleetstreamInfraResource again = new FleetstreamInfraResource();
        again.init(Map.of(FleetstreamInfraResource.SERVERS, "kafka"));
        assertThat(again.start())
                .containsEntry("kafka.bootstrap.servers", bootstrap)
                .doesNotContainKey("quarkus.datasource.jdbc.url");
    }

    @Test
    void restartsABrokerThatAnEarlierTestLeftKilled() {
        FleetstreamInfraResource resource = new FleetstreamInfraResource();
        resource.init(Map.of(FleetstreamInfraResource.SERVERS, "kafka"));
        String bootstrap = resource.start().get("kafka.bootstrap.servers");

        SharedInfra.kafka().kill();

        // Asking for the broker does not heal the outage a fault test made on purpose.
        assertThat(SharedInfra.kafka().isRunning()).isFalse();
        assertThat(resource.start()).containsEntry("kafka.bootstrap.servers", bootstrap);
        assertThat(SharedInfra.kafka().isRunning()).isTrue();
    }

    @Test
    void parsesTopicSpecs() {
        assertThat(FleetstreamInfraResource.parseTopics(" a:1 ,b:3:compact,"))
                .extracting(NewTopic::name, NewTopic::numPartitions, NewTopic::configs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", 1, null),
                        org.assertj.core.groups.Tuple.tuple("b", 3, Map.of("cleanup.policy", "compact")));
        assertThatThrownBy(() -> FleetstreamInfraResource.parseTopics("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name:partitions[:compact]");
        assertThatThrownBy(() -> FleetstreamInfraResource.parseTopics("a:0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FleetstreamInfraResource.parseTopics("a:2:delete"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnknownServers() {
        assertThatThrownBy(() -> new FleetstreamInfraResource().init(Map.of(FleetstreamInfraResource.SERVERS, "redis")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
