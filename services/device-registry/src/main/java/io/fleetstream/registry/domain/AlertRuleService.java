package io.fleetstream.registry.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.registry.config.RuleSettings;
import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.Topics;
import io.fleetstream.schema.WindowSizes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Creates, changes and deletes alert rules; each change is published through the outbox and audited. */
@ApplicationScoped
public class AlertRuleService {

    /** Outbox event types. */
    public static final String RULE_CREATED = "AlertRuleCreated";

    public static final String RULE_UPDATED = "AlertRuleUpdated";
    public static final String RULE_DELETED = "AlertRuleDeleted";

    /** Metric name of an INACTIVITY rule that watches readings of any metric. */
    public static final String ANY_METRIC = "*";

    static final int MAX_CONSECUTIVE_WINDOWS = 100;
    static final Duration MIN_INACTIVITY = Duration.ofSeconds(10);
    static final Duration MAX_INACTIVITY = Duration.ofDays(7);

    private static final Logger LOG = Logger.getLogger(AlertRuleService.class);

    private final OutboxWriter outbox;
    private final Audit audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final List<Duration> windowSizes;
    private final String windowSizeLabels;

    public AlertRuleService(OutboxWriter outbox, Audit audit, ObjectMapper json, Clock clock, RuleSettings settings) {
        this.outbox = outbox;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.windowSizes = settings.windowSizes().stream()
                .map(label -> {
                    try {
                        return WindowSizes.parse(label.trim());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("fleetstream.rules.window-sizes: " + e.getMessage(), e);
                    }
                })
                .toList();
        this.windowSizeLabels =
                String.join(", ", windowSizes.stream().map(WindowSizes::label).toList());
    }

    /**
     * Creates a rule with a generated id.
     *
     * @throws InvalidRequestException listing every invalid field
     */
    @Transactional
    public AlertRuleEntity create(Actor actor, AlertRuleDraft draft) {
        AlertRuleEntity rule = new AlertRuleEntity();
        apply(check(draft), rule);
        rule.ruleId = UUID.randomUUID().toString();
        rule.createdAt = now();
        rule.updatedAt = rule.createdAt;
        rule.persist();
        publish(RULE_CREATED, rule);
        audit.record(
                actor,
                "alert-rule.created",
                Audit.ALERT_RULE,
                rule.ruleId,
                Audit.after(Audit.rule(rule)),
                rule.updatedAt);
        LOG.infof("alert rule [%s] of kind %s created on metric [%s]", rule.ruleId, rule.kind, rule.metric);
        return rule;
    }

    /** Replaces every field of a rule (PUT); fields left out take their defaults, as on create. */
    @Transactional
    public AlertRuleEntity replace(Actor actor, String ruleId, AlertRuleDraft draft) {
        Valid valid = check(draft);
        AlertRuleEntity rule = locked(ruleId);
        return update(actor, rule, valid, "alert-rule.updated");
    }

    /** Applies a JSON merge patch (RFC 7396) to a rule; the result must be a valid rule as a whole. */
    @Transactional
    public AlertRuleEntity patch(Actor actor, String ruleId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new InvalidRequestException("$", "send a JSON object with the fields to change");
        }
        AlertRuleEntity rule = locked(ruleId);
        AlertRuleDraft draft = MergePatch.apply(json, asDraft(rule), patch, AlertRuleDraft.class);
        return update(actor, rule, check(draft), "alert-rule.updated");
    }

    /** Enables or disables a rule; setting the current value changes nothing. */
    @Transactional
    public AlertRuleEntity setEnabled(Actor actor, String ruleId, boolean enabled) {
        AlertRuleEntity rule = locked(ruleId);
        if (rule.enabled == enabled) {
            return rule;
        }
        Map<String, Object> before = Audit.rule(rule);
        rule.enabled = enabled;
        rule.updatedAt = now();
        publish(RULE_UPDATED, rule);
        audit.record(
                actor,
                enabled ? "alert-rule.enabled" : "alert-rule.disabled",
                Audit.ALERT_RULE,
                ruleId,
                Audit.change(before, Audit.rule(rule)),
                rule.updatedAt);
        LOG.infof("alert rule [%s] %s", ruleId, enabled ? "enabled" : "disabled");
        return rule;
    }

    /** Deletes a rule and publishes a tombstone, so that the stream processor drops it. */
    @Transactional
    public void delete(Actor actor, String ruleId) {
        AlertRuleEntity rule = locked(ruleId);
        Instant now = now();
        Map<String, Object> before = Audit.rule(rule);
        rule.delete();
        outbox.append(RULE_DELETED, Topics.REGISTRY_ALERT_RULES, ruleId, null, now);
        audit.record(actor, "alert-rule.deleted", Audit.ALERT_RULE, ruleId, Map.of("before", before), now);
        LOG.infof("alert rule [%s] deleted", ruleId);
    }

    /**
     * @throws UnknownResourceException if there is no such rule
     */
    public AlertRuleEntity get(String ruleId) {
        return AlertRuleEntity.<AlertRuleEntity>findByIdOptional(ruleId)
                .orElseThrow(() -> new UnknownResourceException("alert rule", ruleId));
    }

    /** One page of rules in rule id order, filtered by any of the given fields. */
    public Page<AlertRuleEntity> list(
            String kind,
            String metric,
            String deviceId,
            String deviceType,
            String enabled,
            String severity,
            String limit,
            String cursor) {
        Checks checks = new Checks();
        RuleKind wantedKind = kind == null ? null : checks.oneOf("kind", kind, RuleKind.class);
        if (metric != null && !ANY_METRIC.equals(metric)) {
            checks.optionalIdentifier("metric", metric);
        }
        checks.optionalIdentifier("deviceId", deviceId);
        checks.optionalIdentifier("deviceType", deviceType);
        Boolean wantedEnabled = null;
        if (enabled != null) {
            if (enabled.equals("true") || enabled.equals("false")) {
                wantedEnabled = Boolean.valueOf(enabled);
            } else {
                checks.add("enabled", "'" + Checks.abbreviate(enabled) + "' is not allowed; use true or false");
            }
        }
        Severity wantedSeverity = severity == null ? null : checks.oneOf("severity", severity, Severity.class);
        Integer size = checks.collect(() -> Cursor.limit(limit));
        String after = checks.collect(() -> Cursor.lastId(cursor));
        checks.throwIfAny();
        AlertRuleEntity.Filter filter =
                new AlertRuleEntity.Filter(wantedKind, metric, deviceId, deviceType, wantedEnabled, wantedSeverity);
        return Page.of(AlertRuleEntity.page(filter, after, size + 1), size, rule -> rule.ruleId);
    }

    private AlertRuleEntity update(Actor actor, AlertRuleEntity rule, Valid valid, String action) {
        Map<String, Object> before = Audit.rule(rule);
        apply(valid, rule);
        Map<String, Object> after = Audit.rule(rule);
        if (after.equals(before)) {
            return rule;
        }
        rule.updatedAt = now();
        publish(RULE_UPDATED, rule);
        audit.record(actor, action, Audit.ALERT_RULE, rule.ruleId, Audit.change(before, after), rule.updatedAt);
        LOG.infof("alert rule [%s] updated", rule.ruleId);
        return rule;
    }

    /** A draft that passed every check, with its fields parsed. */
    private record Valid(
            AlertRuleDraft draft,
            RuleKind kind,
            Aggregation aggregation,
            Duration windowSize,
            ThresholdDirection direction,
            int consecutiveWindows,
            Duration inactivityTimeout,
            Severity severity) {}

    /**
     * Checks every field of a draft against the rules of its kind.
     *
     * @throws InvalidRequestException listing every invalid field
     */
    private Valid check(AlertRuleDraft draft) {
        Checks checks = new Checks();
        checks.name("name", draft.name());
        RuleKind kind = draft.kind() == null ? RuleKind.THRESHOLD : checks.oneOf("kind", draft.kind(), RuleKind.class);
        checkScope(checks, draft.scope());
        if (kind == null) {
            checks.oneOf("severity", draft.severity(), Severity.class);
            checks.throwIfAny();
        }
        if (kind == RuleKind.INACTIVITY) {
            if (!ANY_METRIC.equals(draft.metric())) {
                checks.identifier("metric", draft.metric());
            }
            String why = " is not used by INACTIVITY rules, which raise when no reading arrives for"
                    + " inactivityTimeout; remove it";
            absent(checks, "aggregation", draft.aggregation(), why);
            absent(checks, "windowSize", draft.windowSize(), why);
            absent(checks, "direction", draft.direction(), why);
            absent(checks, "raiseThreshold", draft.raiseThreshold(), why);
            absent(checks, "clearThreshold", draft.clearThreshold(), why);
            absent(checks, "consecutiveWindows", draft.consecutiveWindows(), why);
            Duration timeout = null;
            Severity severity;
            if (draft.inactivityTimeout() == null) {
                checks.add(
                        "inactivityTimeout",
                        "is required for INACTIVITY rules; give how long without readings raises the alert, such as"
                                + " \"PT5M\", from " + MIN_INACTIVITY + " to " + MAX_INACTIVITY);
            } else {
                timeout = Times.duration(
                        checks, "inactivityTimeout", draft.inactivityTimeout(), MIN_INACTIVITY, MAX_INACTIVITY);
            }
            severity = checks.oneOf("severity", draft.severity(), Severity.class);
            checks.throwIfAny();
            return new Valid(draft, kind, null, null, null, 1, timeout, severity);
        }

        if (ANY_METRIC.equals(draft.metric())) {
            checks.add("metric", "'*' (any metric) is only allowed for INACTIVITY rules; name the metric to watch");
        } else {
            checks.identifier("metric", draft.metric());
        }
        absent(
                checks,
                "inactivityTimeout",
                draft.inactivityTimeout(),
                " is only used by INACTIVITY rules; remove it or set kind INACTIVITY");
        Aggregation aggregation = checks.oneOf("aggregation", draft.aggregation(), Aggregation.class);
        Duration windowSize = null;
        if (aggregation == Aggregation.RAW && kind == RuleKind.RATE_OF_CHANGE) {
            checks.add(
                    "aggregation",
                    "RAW is not allowed for RATE_OF_CHANGE rules, which compare the aggregates of two adjacent"
                            + " windows; use AVG, MIN, MAX, SUM or COUNT");
        } else if (aggregation == Aggregation.RAW) {
            absent(
                    checks,
                    "windowSize",
                    draft.windowSize(),
                    " is not used with aggregation RAW, which compares each reading's own value; remove it");
        } else if (aggregation != null) {
            windowSize = windowSize(checks, draft.windowSize());
        }
        ThresholdDirection direction = checks.oneOf("direction", draft.direction(), ThresholdDirection.class);
        String unit = kind == RuleKind.RATE_OF_CHANGE ? " (a change per minute)" : "";
        boolean raiseOk = threshold(checks, "raiseThreshold", draft.raiseThreshold(), unit);
        boolean clearOk = threshold(checks, "clearThreshold", draft.clearThreshold(), unit);
        if (direction != null && raiseOk && clearOk) {
            checkHysteresis(checks, direction, draft.raiseThreshold(), draft.clearThreshold());
        }
        int consecutiveWindows = draft.consecutiveWindows() == null ? 1 : draft.consecutiveWindows();
        if (consecutiveWindows < 1 || consecutiveWindows > MAX_CONSECUTIVE_WINDOWS) {
            checks.add(
                    "consecutiveWindows",
                    consecutiveWindows + " is out of range; use 1 to " + MAX_CONSECUTIVE_WINDOWS + " (default 1)");
        }
        Severity severity = checks.oneOf("severity", draft.severity(), Severity.class);
        checks.throwIfAny();
        return new Valid(draft, kind, aggregation, windowSize, direction, consecutiveWindows, null, severity);
    }

    private static void apply(Valid valid, AlertRuleEntity rule) {
        AlertRuleDraft draft = valid.draft();
        rule.name = draft.name();
        rule.kind = valid.kind();
        rule.scopeDeviceId = draft.scope().deviceId();
        rule.scopeDeviceType = draft.scope().deviceType();
        rule.scopeLabels = draft.scope().labels() == null
                ? Map.of()
                : new TreeMap<>(draft.scope().labels());
        rule.metric = draft.metric();
        rule.aggregation = valid.aggregation();
        rule.windowSizeSeconds = valid.windowSize() == null
                ? 0
                : Math.toIntExact(valid.windowSize().toSeconds());
        rule.direction = valid.direction();
        rule.raiseThreshold = draft.raiseThreshold();
        rule.clearThreshold = draft.clearThreshold();
        rule.consecutiveWindows = valid.consecutiveWindows();
        rule.inactivityTimeoutMillis = valid.inactivityTimeout() == null
                ? null
                : valid.inactivityTimeout().toMillis();
        rule.severity = valid.severity();
        rule.enabled = draft.enabled() == null || draft.enabled();
    }

    /** The rule in the shape of a request body, for merge patches; fields the kind does not use are absent. */
    private ObjectNode asDraft(AlertRuleEntity rule) {
        ObjectNode node = json.createObjectNode();
        node.put("name", rule.name);
        node.put("kind", rule.kind.name());
        ObjectNode scope = node.putObject("scope");
        if (rule.scopeDeviceId != null) {
            scope.put("deviceId", rule.scopeDeviceId);
        }
        if (rule.scopeDeviceType != null) {
            scope.put("deviceType", rule.scopeDeviceType);
        }
        scope.set("labels", json.valueToTree(rule.scopeLabels));
        node.put("metric", rule.metric);
        if (rule.kind == RuleKind.INACTIVITY) {
            node.put(
                    "inactivityTimeout",
                    Duration.ofMillis(rule.inactivityTimeoutMillis).toString());
        } else {
            node.put("aggregation", rule.aggregation.name());
            if (rule.windowSizeSeconds > 0) {
                node.put("windowSize", WindowSizes.label(Duration.ofSeconds(rule.windowSizeSeconds)));
            }
            node.put("direction", rule.direction.name());
            node.put("raiseThreshold", rule.raiseThreshold);
            node.put("clearThreshold", rule.clearThreshold);
            node.put("consecutiveWindows", rule.consecutiveWindows);
        }
        node.put("severity", rule.severity.name());
        node.put("enabled", rule.enabled);
        return node;
    }

    private void publish(String eventType, AlertRuleEntity rule) {
        outbox.append(
                eventType,
                Topics.REGISTRY_ALERT_RULES,
                rule.ruleId,
                AvroRecords.encode(AvroRecords.rule(rule)),
                rule.updatedAt);
    }

    private static AlertRuleEntity locked(String ruleId) {
        AlertRuleEntity rule = AlertRuleEntity.findById(ruleId, LockModeType.PESSIMISTIC_WRITE);
        if (rule == null) {
            throw new UnknownResourceException("alert rule", ruleId);
        }
        return rule;
    }

    private static void absent(Checks checks, String field, Object value, String why) {
        if (value != null) {
            checks.add(field, why.strip());
        }
    }

    private static void checkScope(Checks checks, AlertRuleDraft.Scope scope) {
        String hint = "set at least one of scope.deviceId, scope.deviceType or scope.labels";
        if (scope == null) {
            checks.add("scope", "is required; " + hint);
            return;
        }
        checks.optionalIdentifier("scope.deviceId", scope.deviceId());
        checks.optionalIdentifier("scope.deviceType", scope.deviceType());
        checks.labels("scope.labels", scope.labels());
        boolean noLabels = scope.labels() == null || scope.labels().isEmpty();
        if (scope.deviceId() == null && scope.deviceType() == null && noLabels) {
            checks.add("scope", "matches every device; " + hint);
        }
    }

    private Duration windowSize(Checks checks, String label) {
        if (label == null) {
            checks.add("windowSize", "is required; use one of " + windowSizeLabels);
            return null;
        }
        Duration size;
        try {
            size = WindowSizes.parse(label);
        } catch (IllegalArgumentException e) {
            checks.add(
                    "windowSize",
                    "'" + Checks.abbreviate(label) + "' is not a window size; use one of " + windowSizeLabels);
            return null;
        }
        if (!windowSizes.contains(size)) {
            checks.add("windowSize", "'" + label + "' is not supported; use one of " + windowSizeLabels);
            return null;
        }
        return size;
    }

    private static boolean threshold(Checks checks, String field, Double value, String unit) {
        if (value == null) {
            checks.add(field, "is required; give a number" + unit);
            return false;
        }
        if (!Double.isFinite(value)) {
            checks.add(field, "is out of range; give a finite number" + unit);
            return false;
        }
        return true;
    }

    private static void checkHysteresis(Checks checks, ThresholdDirection direction, double raise, double clear) {
        if (direction == ThresholdDirection.ABOVE && clear > raise) {
            checks.add(
                    "clearThreshold",
                    "for direction ABOVE the alert clears when the value falls to clearThreshold, so it must be at"
                            + " most raiseThreshold (" + raise + "); got " + clear);
        } else if (direction == ThresholdDirection.BELOW && clear < raise) {
            checks.add(
                    "clearThreshold",
                    "for direction BELOW the alert clears when the value rises to clearThreshold, so it must be at"
                            + " least raiseThreshold (" + raise + "); got " + clear);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
