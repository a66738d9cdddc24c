package io.fleetstream.registry.persistence;

import io.fleetstream.schema.Aggregation;
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
import java.util.List;
import java.util.Map;

/** A threshold alert rule (table {@code registry.alert_rules}). */
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
    public Aggregation aggregation;

    @Column(name = "window_size_seconds", nullable = false)
    public int windowSizeSeconds;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ThresholdDirection direction;

    @Column(name = "raise_threshold", nullable = false)
    public double raiseThreshold;

    @Column(name = "clear_threshold", nullable = false)
    public double clearThreshold;

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

    /** One page of rules in rule id order, starting after {@code afterRuleId} (exclusive, null for the first page). */
    public static List<AlertRuleEntity> page(String afterRuleId, int limit) {
        if (afterRuleId == null) {
            return find("order by ruleId").page(0, limit).list();
        }
        return find("ruleId > ?1 order by ruleId", afterRuleId).page(0, limit).list();
    }
}
