package io.fleetstream.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaBrokerTest {

    @TempDir
    static Path dataDir;

    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(dataDir.resolve("kafka"));
    }

    @AfterAll
    static void closeBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(Listeners.listeningAddresses(broker.port())).containsExactly("127.0.0.1");
        try (Admin admin = admin()) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS));
            assertThat(nodes).singleElement().satisfies(node -> assertThat(node.host())
                    .isEqualTo("127.0.0.1"));
        }
    }

    @Test
    void producedRecordIsConsumedByAGroup() throws Exception {
        broker.createTopic("greetings", 3, Map.of());

        produce("greetings", List.of("hello"));

        assertThat(consume("greetings", 1, "greetings-reader")).containsExactly("hello");
    }

    @Test
    void committedRecordsSurviveKillAndRestart() throws Exception {
        broker.createTopic("durable", 1, Map.of());
        List<String> values = List.of("one", "two", "three", "four", "five");
        produce("durable", values);
        long killedPid = broker.pid();

        broker.kill();

        assertThat(broker.isRunning()).isFalse();
        assertThat(ProcessHandle.of(killedPid).filter(ProcessHandle::isAlive)).isEmpty();

        broker.restart();

        assertThat(broker.pid()).isNotEqualTo(killedPid);
        assertThat(consume("durable", values.size(), null)).containsExactlyElementsOf(values);
    }

    @Test
    void createTopicsIsIdempotentAndHonoursPartitionsAndCompaction() throws Exception {
        broker.createTopics(Map.of("registry-changelog", 2), true);
        broker.createTopics(Map.of("registry-changelog", 2), true);
        broker.createTopic("plain", 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "60000"));

        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(Set.of("registry-changelog", "plain"))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS);
            assertThat(topics.get("registry-changelog").partitions()).hasSize(2);
            assertThat(topics.get("plain").partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "registry-changelog");
            String policy = admin.describeConfigs(Set.of(resource))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                    .value();
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void refusesAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> KafkaBroker.start(dataDir.resolve("other"), taken.getLocalPort(), 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static void produce(String topic, List<String> values) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads {@code count} values, through a consumer group if one is named, else from partition 0 by assignment. */
    private static List<String> consume(String topic, int count, String groupId) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            if (groupId != null) {
                consumer.subscribe(List.of(topic));
            } else {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
