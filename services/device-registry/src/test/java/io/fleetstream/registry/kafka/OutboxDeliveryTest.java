package io.fleetstream.registry.kafka;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.ensureTypes;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.readTopic;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class OutboxDeliveryTest {

    @BeforeEach
    void typesExist() {
        ensureTypes("boiler", "sensor", "pump", "valve");
    }

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void publishesCreatedDeviceAsAvroRecordKeyedByDeviceId() {
        String deviceId = uniqueId("pump");
        JsonPath api = postJson(
                        "/v1/devices",
                        Map.of("deviceId", deviceId, "name", "Pump 7", "type", "pump", "labels", Map.of("line", "a")))
                .statusCode(201)
                .extract()
                .jsonPath();

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> !list.isEmpty());

        assertThat(values).hasSize(1);
        Device device = decode(Device.class, values.get(0));
        assertThat(device.getDeviceId()).isEqualTo(deviceId);
        assertThat(device.getName()).isEqualTo("Pump 7");
        assertThat(device.getType()).isEqualTo("pump");
        assertThat(device.getLabels()).isEqualTo(Map.of("line", "a"));
        assertThat(device.getState()).isEqualTo(DeviceState.ACTIVE);
        assertThat(device.getCreatedAt()).isEqualTo(Instant.parse(api.getString("createdAt")));
        assertThat(device.getUpdatedAt()).isEqualTo(Instant.parse(api.getString("updatedAt")));
    }

    @Test
    void publishesCredentialWithTokenHashOnly() {
        String deviceId = uniqueId("meter");
        createDevice(deviceId, "meter").statusCode(201);
        JsonPath api = postJson("/v1/devices/" + deviceId + "/credentials", Map.of("expiresAt", "2099-12-31T00:00:00Z"))
                .statusCode(201)
                .extract()
                .jsonPath();
        String credentialId = api.getString("credentialId");
        String token = api.getString("token");

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, credentialId), list -> !list.isEmpty());

        assertThat(values).hasSize(1);
        assertThat(new String(values.get(0), StandardCharsets.ISO_8859_1)).doesNotContain(token.substring(4));
        DeviceCredential credential = decode(DeviceCredential.class, values.get(0));
        assertThat(credential.getCredentialId()).isEqualTo(credentialId);
        assertThat(credential.getDeviceId()).isEqualTo(deviceId);
        assertThat(credential.getTokenHash()).isEqualTo(TokenHash.of(token));
        assertThat(credential.getCreatedAt()).isEqualTo(Instant.parse(api.getString("createdAt")));
        assertThat(credential.getExpiresAt()).isEqualTo(Instant.parse("2099-12-31T00:00:00Z"));
        assertThat(credential.getRevokedAt()).isNull();
    }

    @Test
    void publishesAlertRuleMatchingTheApi() {
        Map<String, Object> body = Map.of(
                "name", "Battery low",
                "scope", Map.of("deviceId", "tracker-1"),
                "metric", "battery.pct",
                "aggregation", "MIN",
                "windowSize", "15m",
                "direction", "BELOW",
                "raiseThreshold", 10,
                "clearThreshold", 20,
                "severity", "WARNING",
                "enabled", false);
        JsonPath api =
                postJson("/v1/alert-rules", body).statusCode(201).extract().jsonPath();
        String ruleId = api.getString("ruleId");

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_ALERT_RULES, ruleId), list -> !list.isEmpty());

        assertThat(values).hasSize(1);
        AlertRule rule = decode(AlertRule.class, values.get(0));
        assertThat(rule.getRuleId()).isEqualTo(ruleId);
        assertThat(rule.getName()).isEqualTo("Battery low");
        assertThat(rule.getScope().getDeviceId()).isEqualTo("tracker-1");
        assertThat(rule.getScope().getDeviceType()).isNull();
        assertThat(rule.getScope().getLabels()).isEmpty();
        assertThat(rule.getMetric()).isEqualTo("battery.pct");
        assertThat(rule.getAggregation()).isEqualTo(Aggregation.MIN);
        assertThat(rule.getWindowSizeMillis()).isEqualTo(Duration.ofMinutes(15).toMillis());
        assertThat(rule.getDirection()).isEqualTo(ThresholdDirection.BELOW);
        assertThat(rule.getRaiseThreshold()).isEqualTo(10.0);
        assertThat(rule.getClearThreshold()).isEqualTo(20.0);
        assertThat(rule.getConsecutiveWindows()).isEqualTo(1);
        assertThat(rule.getSeverity()).isEqualTo(Severity.WARNING);
        assertThat(rule.getEnabled()).isFalse();
        assertThat(rule.getUpdatedAt()).isEqualTo(Instant.parse(api.getString("updatedAt")));
    }

    @Test
    void publishesNothingForRejectedChange() {
        String deviceId = uniqueId("once");
        createDevice(deviceId, "valve").statusCode(201);
        postJson("/v1/devices", Map.of("deviceId", deviceId, "name", "Impostor", "type", "valve"))
                .statusCode(409);
        postJson("/v1/devices", Map.of("name", "", "type", "valve")).statusCode(400);
        // A change committed after the rejected ones: once it is in Kafka, anything written before it is too.
        String marker = uniqueId("marker");
        createDevice(marker, "valve").statusCode(201);
        await().atMost(DELIVERY).until(() -> valuesFor(Topics.REGISTRY_DEVICES, marker), list -> !list.isEmpty());

        List<ConsumerRecord<String, byte[]>> records = readTopic(Topics.REGISTRY_DEVICES);
        List<Device> published = records.stream()
                .filter(record -> deviceId.equals(record.key()))
                .map(record -> decode(Device.class, record.value()))
                .toList();
        assertThat(published).extracting(Device::getName).containsExactly("Device " + deviceId);
        assertThat(records)
                .extracting(ConsumerRecord::value)
                .noneMatch(
                        value -> value != null && new String(value, StandardCharsets.ISO_8859_1).contains("Impostor"));
    }

    @Test
    void deletesOutboxRowsOnceKafkaAcknowledgedThem() throws SQLException {
        String deviceId = uniqueId("drained");
        createDevice(deviceId, "sensor").statusCode(201);

        await().atMost(DELIVERY).until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> !list.isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> outboxRows(deviceId) == 0);
    }

    @Test
    void waitsWhileAnotherReplicaHoldsThePublishingLock() throws SQLException {
        String deviceId = uniqueId("locked");
        try (Connection otherReplica = dataSource.getConnection()) {
            advisoryLock(otherReplica, "pg_advisory_lock");
            try {
                createDevice(deviceId, "sensor").statusCode(201);
                await().during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> outboxRows(deviceId) == 1);
                assertThat(valuesFor(Topics.REGISTRY_DEVICES, deviceId)).isEmpty();
            } finally {
                advisoryLock(otherReplica, "pg_advisory_unlock");
            }
        }
        await().atMost(DELIVERY).until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> list.size() == 1);
    }

    @Test
    void exposesRelayMetricsAndReadiness() {
        String deviceId = uniqueId("metered");
        createDevice(deviceId, "sensor").statusCode(201);
        await().atMost(DELIVERY).until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> !list.isEmpty());

        admin().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("fleetstream_registry_outbox_pending"))
                .body(containsString("fleetstream_registry_outbox_published_total{topic=\"fleet.registry.devices\"}"));
        await().atMost(DELIVERY).untilAsserted(() -> admin().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("outbox-relay"))
                .body("checks.find { it.name == 'outbox-relay' }.data.role", equalTo("leader"))
                .body("checks.name", hasItem(containsString("Database"))));
    }

    private long outboxRows(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM registry.outbox_events WHERE record_key = ?")) {
            count.setString(1, key);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static void advisoryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT " + function + "(?)")) {
            lock.setLong(1, OutboxRelay.ADVISORY_LOCK_KEY);
            lock.executeQuery().close();
        }
    }
}
