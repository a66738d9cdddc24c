package io.fleetstream.registry.domain;

import java.util.Map;

/**
 * Body of {@code POST /v1/alert-rules} and {@code PUT /v1/alert-rules/{ruleId}}; every field is checked by
 * {@link AlertRuleService}. Fields a kind does not use must be absent, so that a rule never carries a setting that
 * silently does nothing.
 *
 * @param kind THRESHOLD (default), RATE_OF_CHANGE or INACTIVITY
 * @param inactivityTimeout INACTIVITY only: ISO 8601 duration ({@code "PT5M"}) or whole seconds
 */
public record AlertRuleDraft(
        String name,
        String kind,
        Scope scope,
        String metric,
        String aggregation,
        String windowSize,
        String direction,
        Double raiseThreshold,
        Double clearThreshold,
        Integer consecutiveWindows,
        Object inactivityTimeout,
        String severity,
        Boolean enabled) {

    /** Which devices the rule applies to; at least one field must be set. */
    public record Scope(String deviceId, String deviceType, Map<String, String> labels) {}
}
