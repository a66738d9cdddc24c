package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.RuleScope;

import java.time.Duration;
import java.util.Map;

/** Turns registry rows into the Avro records of the changelog topics (single-object encoded). */
public final class AvroRecords {

    private static final AvroSerde<Device> DEVICES = AvroSerde.of(Device.class);
    private static final AvroSerde<DeviceCredential> CREDENTIALS = AvroSerde.of(DeviceCredential.class);
    private static final AvroSerde<AlertRule> RULES = AvroSerde.of(AlertRule.class);

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

    public static AlertRule rule(AlertRuleEntity rule) {
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
                .setAggregation(rule.aggregation)
                .setWindowSizeMillis(Duration.ofSeconds(rule.windowSizeSeconds).toMillis())
                .setDirection(rule.direction)
                .setRaiseThreshold(rule.raiseThreshold)
                .setClearThreshold(rule.clearThreshold)
                .setConsecutiveWindows(rule.consecutiveWindows)
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
}
