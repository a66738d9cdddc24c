package io.fleetstream.processor.domain;

import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleScope;

import java.util.Map;

/** Which rules apply to a final window aggregate, and the value a rule compares with its thresholds. */
public final class RuleMatching {

    private RuleMatching() {}

    /**
     * Whether {@code rule} is evaluated on {@code window}: the rule is enabled, names the window's metric and window
     * size, and its scope matches the device.
     */
    public static boolean applies(AlertRule rule, ClosedMetricWindow window) {
        MetricWindowAggregate aggregate = window.aggregate();
        return rule.getEnabled()
                && rule.getMetric().equals(aggregate.getMetric())
                && rule.getWindowSizeMillis() == aggregate.getWindowSizeMillis()
                && scopeMatches(rule.getScope(), aggregate.getDeviceId(), aggregate.getDeviceType(), window.labels());
    }

    /**
     * Every field of the scope that is set must match: the device id and the device type by equality, and each scope
     * label must be present on the device with an equal value. An empty scope matches every device.
     */
    public static boolean scopeMatches(
            RuleScope scope, String deviceId, String deviceType, Map<String, String> deviceLabels) {
        if (scope == null) {
            return true;
        }
        if (scope.getDeviceId() != null && !scope.getDeviceId().equals(deviceId)) {
            return false;
        }
        if (scope.getDeviceType() != null && !scope.getDeviceType().equals(deviceType)) {
            return false;
        }
        Map<String, String> required = scope.getLabels();
        if (required == null) {
            return true;
        }
        for (Map.Entry<String, String> label : required.entrySet()) {
            if (!label.getValue().equals(deviceLabels.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The statistic of the window that the rule's thresholds apply to. */
    public static double valueOf(AlertRule rule, MetricWindowAggregate aggregate) {
        return switch (rule.getAggregation()) {
            case AVG -> aggregate.getAvg();
            case MIN -> aggregate.getMin();
            case MAX -> aggregate.getMax();
            case SUM -> aggregate.getSum();
            case COUNT -> aggregate.getCount();
        };
    }
}
