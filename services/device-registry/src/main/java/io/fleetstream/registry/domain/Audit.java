package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.registry.persistence.AuditWriter;
import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.DeviceTypeEntity;
import io.fleetstream.registry.persistence.OperatorKeyEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the audit entry of a change in the change's transaction. The snapshots here decide what an entry shows of a
 * resource: everything an operator can read through the API, and never a token, key or hash.
 */
@ApplicationScoped
public class Audit {

    /** Resource types as they appear in audit entries and in the {@code resourceType} filter. */
    public static final String DEVICE = "device";

    public static final String DEVICE_TYPE = "device-type";
    public static final String CREDENTIAL = "credential";
    public static final String ALERT_RULE = "alert-rule";
    public static final String API_KEY = "api-key";

    /** Every resource type an entry can name, in the order the README lists them. */
    public static final List<String> RESOURCE_TYPES = List.of(DEVICE_TYPE, DEVICE, CREDENTIAL, ALERT_RULE, API_KEY);

    private final AuditWriter writer;

    public Audit(AuditWriter writer) {
        this.writer = writer;
    }

    void record(
            Actor actor,
            String action,
            String resourceType,
            String resourceId,
            Map<String, Object> change,
            Instant at) {
        writer.record(actor.keyId(), actor.name(), action, resourceType, resourceId, change, at);
    }

    /** Records many entries of one actor at once (a bulk registration). */
    void recordAll(Actor actor, List<AuditWriter.Entry> entries, Instant at) {
        writer.recordAll(actor.keyId(), actor.name(), entries, at);
    }

    /** A change that creates or replaces a resource: its state afterwards. */
    static Map<String, Object> after(Map<String, Object> after) {
        return Map.of("after", after);
    }

    /** A change of an existing resource: its state before and afterwards. */
    static Map<String, Object> change(Map<String, Object> before, Map<String, Object> after) {
        return Map.of("before", before, "after", after);
    }

    static Map<String, Object> device(DeviceEntity device) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("deviceId", device.deviceId);
        map.put("name", device.name);
        map.put("type", device.type);
        map.put("labels", new TreeMap<>(device.labels));
        map.put("state", device.state.name());
        return map;
    }

    static Map<String, Object> type(DeviceTypeEntity type) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", type.type);
        map.put("description", type.description);
        return map;
    }

    static Map<String, Object> credential(DeviceCredentialEntity credential) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("credentialId", credential.credentialId);
        map.put("deviceId", credential.deviceId);
        map.put("expiresAt", text(credential.expiresAt));
        map.put("revokedAt", text(credential.revokedAt));
        return map;
    }

    static Map<String, Object> rule(AlertRuleEntity rule) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("deviceId", rule.scopeDeviceId);
        scope.put("deviceType", rule.scopeDeviceType);
        scope.put("labels", new TreeMap<>(rule.scopeLabels));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("ruleId", rule.ruleId);
        map.put("name", rule.name);
        map.put("kind", rule.kind.name());
        map.put("scope", scope);
        map.put("metric", rule.metric);
        map.put("aggregation", rule.aggregation == null ? null : rule.aggregation.name());
        map.put("windowSizeSeconds", rule.windowSizeSeconds);
        map.put("direction", rule.direction == null ? null : rule.direction.name());
        map.put("raiseThreshold", rule.raiseThreshold);
        map.put("clearThreshold", rule.clearThreshold);
        map.put("inactivityTimeoutMillis", rule.inactivityTimeoutMillis);
        map.put("consecutiveWindows", rule.consecutiveWindows);
        map.put("severity", rule.severity.name());
        map.put("enabled", rule.enabled);
        return map;
    }

    static Map<String, Object> key(OperatorKeyEntity key) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("keyId", key.keyId);
        map.put("name", key.name);
        map.put("role", key.role.name());
        map.put("expiresAt", text(key.expiresAt));
        map.put("revokedAt", text(key.revokedAt));
        return map;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
