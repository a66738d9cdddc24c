package io.fleetstream.registry.domain;

import java.util.Map;

/** Body of {@code POST /v1/alert-rules}; every field is checked by {@link AlertRuleService}. */
public record AlertRuleDraft(
        String name,
        Scope scope,
        String metric,
        String aggregation,
        String windowSize,
        String direction,
        Double raiseThreshold,
        Double clearThreshold,
        Integer consecutiveWindows,
        String severity,
        Boolean enabled) {

    /** Which devices the rule applies to; at least one field must be set. */
    public record Scope(String deviceId, String deviceType, Map<String, String> labels) {}
}
