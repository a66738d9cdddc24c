package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.OperatorKeyEntity;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.OperatorKey;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.RuleScope;
import io.fleetstream.schema.ThresholdDirection;

import java.time.Duration;
import java.util.Map;

/** Turns registry rows into the Avro records of the changelog topics (single-object encoded). */
public final class AvroRecords {

    private static final AvroSerde<Device> DEVICES = AvroSerde.of(Device.class);
    private static final AvroSerde<DeviceCredential> CREDENTIALS = AvroSerde.of(DeviceCredential.class);
    private static final AvroSerde<AlertRule> RULES = AvroSerde.of(AlertRule.class);
    private static final AvroSerde<OperatorKey> KEYS = AvroSerde.of(OperatorKey.class);

    private AvroRecords() {}

    public static Device device(DeviceEntity device) {
        return Device.newBuilder()
                .setDeviceId(device.deviceId)
                .setName(device.name)
                .setType(device.type)
                .setLabels(Map.copyOf(device.labels))
                .setState(device.state)
                .setCreatedAt(device.createdAt)
                .setUpdatedAt(device.updatedAt)
                .build();
    }

    public static DeviceCredential credential(DeviceCredentialEntity credential) {
        return DeviceCredential.newBuilder()
                .setCredentialId(credential.credentialId)
                .setDeviceId(credential.deviceId)
                .setTokenHash(credential.tokenHash)
                .setCreatedAt(credential.createdAt)
                .setExpiresAt(credential.expiresAt)
                .setRevokedAt(credential.revokedAt)
                .build();
    }

    /**
     * The rule's record. The schema requires aggregation, direction and thresholds even where a kind does not use
     * them; INACTIVITY rules carry RAW, ABOVE and 0, which consumers ignore for that kind.
     */
    public static AlertRule rule(AlertRuleEntity rule) {
        boolean inactivity = rule.kind == RuleKind.INACTIVITY;
        RuleScope scope = RuleScope.newBuilder()
                .setDeviceId(rule.scopeDeviceId)
                .setDeviceType(rule.scopeDeviceType)
                .setLabels(Map.copyOf(rule.scopeLabels))
                .build();
        return AlertRule.newBuilder()
                .setRuleId(rule.ruleId)
                .setName(rule.name)
                .setScope(scope)
                .setMetric(rule.metric)
                .setKind(rule.kind)
                .setAggregation(inactivity ? Aggregation.RAW : rule.aggregation)
                .setWindowSizeMillis(Duration.ofSeconds(rule.windowSizeSeconds).toMillis())
                .setDirection(inactivity ? ThresholdDirection.ABOVE : rule.direction)
                .setRaiseThreshold(inactivity ? 0.0 : rule.raiseThreshold)
                .setClearThreshold(inactivity ? 0.0 : rule.clearThreshold)
                .setConsecutiveWindows(rule.consecutiveWindows)
                .setInactivityTimeoutMillis(rule.inactivityTimeoutMillis)
                .setSeverity(rule.severity)
                .setEnabled(rule.enabled)
                .setUpdatedAt(rule.updatedAt)
                .build();
    }

    public static byte[] encode(Device device) {
        return DEVICES.encode(device);
    }

    public static byte[] encode(DeviceCredential credential) {
        return CREDENTIALS.encode(credential);
    }

    public static byte[] encode(AlertRule rule) {
        return RULES.encode(rule);
    }

    public static OperatorKey key(OperatorKeyEntity key) {
        return OperatorKey.newBuilder()
                .setKeyId(key.keyId)
                .setName(key.name)
                .setRole(key.role)
                .setKeyHash(key.keyHash)
                .setCreatedAt(key.createdAt)
                .setExpiresAt(key.expiresAt)
                .setRevokedAt(key.revokedAt)
                .build();
    }

    public static byte[] encode(OperatorKey key) {
        return KEYS.encode(key);
    }
}
