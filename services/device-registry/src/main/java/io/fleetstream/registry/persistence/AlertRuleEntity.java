package io.fleetstream.registry.persistence;

import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An alert rule (table {@code registry.alert_rules}). */
@Entity
@Table(name = "alert_rules")
public class AlertRuleEntity extends PanacheEntityBase {

    @Id
    @Column(name = "rule_id")
    public String ruleId;

    @Column(nullable = false)
    public String name;

    @Column(name = "scope_device_id")
    public String scopeDeviceId;

    @Column(name = "scope_device_type")
    public String scopeDeviceType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "scope_labels", nullable = false, columnDefinition = "jsonb")
    public Map<String, String> scopeLabels;

    @Column(nullable = false)
    public String metric;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RuleKind kind;

    /** Null for INACTIVITY rules. */
    @Enumerated(EnumType.STRING)
    public Aggregation aggregation;

    /** 0 for RAW and INACTIVITY rules. */
    @Column(name = "window_size_seconds", nullable = false)
    public int windowSizeSeconds;

    /** Null for INACTIVITY rules. */
    @Enumerated(EnumType.STRING)
    public ThresholdDirection direction;

    /** Null for INACTIVITY rules; a per-minute rate for RATE_OF_CHANGE rules. */
    @Column(name = "raise_threshold")
    public Double raiseThreshold;

    @Column(name = "clear_threshold")
    public Double clearThreshold;

    /** Set for INACTIVITY rules only. */
    @Column(name = "inactivity_timeout_millis")
    public Long inactivityTimeoutMillis;

    @Column(name = "consecutive_windows", nullable = false)
    public int consecutiveWindows;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Severity severity;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Filters of the rule list; null fields do not filter. */
    public record Filter(
            RuleKind kind, String metric, String deviceId, String deviceType, Boolean enabled, Severity severity) {}

    /** One page of rules in rule id order, starting after {@code afterRuleId} (exclusive, null for the first page). */
    public static List<AlertRuleEntity> page(Filter filter, String afterRuleId, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (filter.kind() != null) {
            query.append(" and kind = :kind");
            params.put("kind", filter.kind());
        }
        if (filter.metric() != null) {
            query.append(" and metric = :metric");
            params.put("metric", filter.metric());
        }
        if (filter.deviceId() != null) {
            query.append(" and scopeDeviceId = :deviceId");
            params.put("deviceId", filter.deviceId());
        }
        if (filter.deviceType() != null) {
            query.append(" and scopeDeviceType = :deviceType");
            params.put("deviceType", filter.deviceType());
        }
        if (filter.enabled() != null) {
            query.append(" and enabled = :enabled");
            params.put("enabled", filter.enabled());
        }
        if (filter.severity() != null) {
            query.append(" and severity = :severity");
            params.put("severity", filter.severity());
        }
        if (afterRuleId != null) {
            query.append(" and ruleId > :after");
            params.put("after", afterRuleId);
        }
        query.append(" order by ruleId");
        return find(query.toString(), params).page(0, limit).list();
    }
}
