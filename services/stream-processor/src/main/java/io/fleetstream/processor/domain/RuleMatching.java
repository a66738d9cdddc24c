package io.fleetstream.processor.domain;

import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.RuleScope;

import java.util.Map;
import java.util.Objects;

/** Which rules apply to what, and the value a rule compares with its thresholds. */
public final class RuleMatching {

    /** Metric name of an INACTIVITY rule that watches every metric. */
    public static final String ANY_METRIC = "*";

    private RuleMatching() {}

    /**
     * Whether {@code rule} is evaluated on a final window: the rule is enabled, a THRESHOLD rule on a window aggregate
     * or a RATE_OF_CHANGE rule, names the window's metric and window size, and its scope matches the device.
     */
    public static boolean applies(AlertRule rule, ClosedMetricWindow window) {
        MetricWindowAggregate aggregate = window.aggregate();
        return rule.getEnabled()
                && rule.getKind() != RuleKind.INACTIVITY
                && rule.getAggregation() != Aggregation.RAW
                && rule.getMetric().equals(aggregate.getMetric())
                && rule.getWindowSizeMillis() == aggregate.getWindowSizeMillis()
                && scopeMatches(rule.getScope(), aggregate.getDeviceId(), aggregate.getDeviceType(), window.labels());
    }

    /** Whether {@code rule} is a THRESHOLD rule on the raw value of each reading. */
    public static boolean isRaw(AlertRule rule) {
        return rule.getKind() == RuleKind.THRESHOLD && rule.getAggregation() == Aggregation.RAW;
    }

    /** Whether a reading carrying {@code metrics} counts as activity for an INACTIVITY rule. */
    public static boolean isActivity(AlertRule rule, Map<String, Double> metrics) {
        return ANY_METRIC.equals(rule.getMetric()) ? !metrics.isEmpty() : metrics.containsKey(rule.getMetric());
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

    /** The statistic of the window that the rule's aggregation selects. */
    public static double valueOf(AlertRule rule, MetricWindowAggregate aggregate) {
        return switch (rule.getAggregation()) {
            case AVG -> aggregate.getAvg();
            case MIN -> aggregate.getMin();
            case MAX -> aggregate.getMax();
            case SUM -> aggregate.getSum();
            case COUNT -> aggregate.getCount();
            case RAW -> throw new IllegalArgumentException("a RAW rule is evaluated on readings, not on windows");
        };
    }

    /**
     * Whether two versions of a rule evaluate the same way: same kind, metric, aggregation, window, direction,
     * thresholds, consecutive count, timeout and scope. Name, severity and updatedAt may differ.
     */
    public static boolean sameEvaluation(AlertRule a, AlertRule b) {
        return a.getKind() == b.getKind()
                && a.getMetric().equals(b.getMetric())
                && a.getAggregation() == b.getAggregation()
                && a.getWindowSizeMillis() == b.getWindowSizeMillis()
                && a.getDirection() == b.getDirection()
                && Double.compare(a.getRaiseThreshold(), b.getRaiseThreshold()) == 0
                && Double.compare(a.getClearThreshold(), b.getClearThreshold()) == 0
                && a.getConsecutiveWindows() == b.getConsecutiveWindows()
                && Objects.equals(a.getInactivityTimeoutMillis(), b.getInactivityTimeoutMillis())
                && Objects.equals(a.getScope(), b.getScope());
    }
}
