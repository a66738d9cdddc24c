package io.fleetstream.bench;

import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.TopicProvisioner;
import io.fleetstream.schema.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the benchmark does with Kafka besides measuring it: topics, registry records and end offsets. */
final class BenchKafka {

    /** Partitions of the device-keyed topics, as the gateway creates them by default. */
    static final int PARTITIONS = 6;

    /** Where the raw producer writes, so that the end offsets of the telemetry topic count only the gateway's. */
    static final String BASELINE_TOPIC = "bench.producer-baseline";

    private final String bootstrapServers;

    BenchKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates the telemetry and registry topics the gateway reads and writes, with the settings of the catalogue, and
     * the baseline topic with the settings of the telemetry topic.
     */
    void createTopics() {
        List<Topics.TopicSpec> catalogue = Topics.catalogue(PARTITIONS, List.of());
        List<Topics.TopicSpec> wanted = catalogue.stream()
                .filter(spec -> List.of(Topics.TELEMETRY_RAW, Topics.REGISTRY_DEVICES, Topics.REGISTRY_CREDENTIALS)
                        .contains(spec.name()))
                .toList();
        Topics.TopicSpec raw = wanted.stream()
                .filter(spec -> spec.name().equals(Topics.TELEMETRY_RAW))
                .findFirst()
                .orElseThrow();
        List<Topics.TopicSpec> all = new ArrayList<>(wanted);
        all.add(new Topics.TopicSpec(BASELINE_TOPIC, raw.partitions(), raw.configs()));
        TopicProvisioner.ensure(bootstrapServers, all);
    }

    /**
     * Registers every device as ACTIVE and gives it one credential that never expires, as the registry would publish
     * them, and waits until Kafka has acknowledged all of them.
     */
    void provision(Workload workload, Instant now) {
        AvroSerde<Device> devices = AvroSerde.of(Device.class);
        AvroSerde<DeviceCredential> credentials = AvroSerde.of(DeviceCredential.class);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-provisioning");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (Workload.Device device : workload.devices()) {
                Device record = Device.newBuilder()
                        .setDeviceId(device.deviceId())
                        .setName("benchmark device " + device.deviceId())
                        .setType("benchmark")
                        .setLabels(Map.of("purpose", "benchmark"))
                        .setState(DeviceState.ACTIVE)
                        .setCreatedAt(now)
                        .setUpdatedAt(now)
                        .build();
                producer.send(new ProducerRecord<>(Topics.REGISTRY_DEVICES, device.deviceId(), devices.encode(record)));
                DeviceCredential credential = DeviceCredential.newBuilder()
                        .setCredentialId(device.credentialId())
                        .setDeviceId(device.deviceId())
                        .setTokenHash(TokenHash.of(device.token()))
                        .setCreatedAt(now)
                        .build();
                producer.send(new ProducerRecord<>(
                        Topics.REGISTRY_CREDENTIALS, device.credentialId(), credentials.encode(credential)));
            }
            // flush() returns once every send is complete; a failed one surfaces on the next check below.
            producer.flush();
        }
        long written = endOffsetSum(Topics.REGISTRY_CREDENTIALS);
        if (written < workload.devices().size()) {
            throw new IllegalStateException("only " + written + " of "
                    + workload.devices().size() + " credentials reached " + Topics.REGISTRY_CREDENTIALS);
        }
    }

    /** The sum of a topic's end offsets: the records written to it (the benchmark's producers use no transactions). */
    long endOffsetSum(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the end offsets of " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }
}
