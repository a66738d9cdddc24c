package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.WindowSizes;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Alert rule JSON of the registry API. */
public record AlertRuleView(
        String ruleId,
        String name,
        Scope scope,
        String metric,
        Aggregation aggregation,
        String windowSize,
        ThresholdDirection direction,
        double raiseThreshold,
        double clearThreshold,
        int consecutiveWindows,
        Severity severity,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    /** Scope JSON; absent fields are null, labels an object (possibly empty). */
    public record Scope(String deviceId, String deviceType, Map<String, String> labels) {}

    static AlertRuleView of(AlertRuleEntity rule) {
        return new AlertRuleView(
                rule.ruleId,
                rule.name,
                new Scope(rule.scopeDeviceId, rule.scopeDeviceType, new TreeMap<>(rule.scopeLabels)),
                rule.metric,
                rule.aggregation,
                WindowSizes.label(Duration.ofSeconds(rule.windowSizeSeconds)),
                rule.direction,
                rule.raiseThreshold,
                rule.clearThreshold,
                rule.consecutiveWindows,
                rule.severity,
                rule.enabled,
                rule.createdAt,
                rule.updatedAt);
    }
}
