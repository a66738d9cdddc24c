package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.WindowSizes;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alert rule JSON of the registry API. Fields a kind does not use are null: aggregation, windowSize, direction and
 * thresholds for INACTIVITY, windowSize for RAW, inactivityTimeout for all but INACTIVITY.
 */
public record AlertRuleView(
        String ruleId,
        String name,
        RuleKind kind,
        Scope scope,
        String metric,
        Aggregation aggregation,
        String windowSize,
        ThresholdDirection direction,
        Double raiseThreshold,
        Double clearThreshold,
        Integer consecutiveWindows,
        String inactivityTimeout,
        Severity severity,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    /** Scope JSON; absent fields are null, labels an object (possibly empty). */
    public record Scope(String deviceId, String deviceType, Map<String, String> labels) {}

    static AlertRuleView of(AlertRuleEntity rule) {
        boolean inactivity = rule.kind == RuleKind.INACTIVITY;
        return new AlertRuleView(
                rule.ruleId,
                rule.name,
                rule.kind,
                new Scope(rule.scopeDeviceId, rule.scopeDeviceType, new TreeMap<>(rule.scopeLabels)),
                rule.metric,
                rule.aggregation,
                rule.windowSizeSeconds == 0 ? null : WindowSizes.label(Duration.ofSeconds(rule.windowSizeSeconds)),
                rule.direction,
                rule.raiseThreshold,
                rule.clearThreshold,
                inactivity ? null : rule.consecutiveWindows,
                inactivity ? Duration.ofMillis(rule.inactivityTimeoutMillis).toString() : null,
                rule.severity,
                rule.enabled,
                rule.createdAt,
                rule.updatedAt);
    }
}
