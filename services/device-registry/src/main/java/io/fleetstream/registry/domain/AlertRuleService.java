package io.fleetstream.registry.domain;

import io.fleetstream.registry.config.RuleSettings;
import io.fleetstream.registry.persistence.AlertRuleEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.Severity;
import io.fleetstream.schema.ThresholdDirection;
import io.fleetstream.schema.Topics;
import io.fleetstream.schema.WindowSizes;
import jakarta.enterprise.context.ApplicationScoped;
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

/** Creates and reads threshold alert rules; each change is published through the outbox. */
@ApplicationScoped
public class AlertRuleService {

    /** Outbox event type of a new rule. */
    public static final String RULE_CREATED = "AlertRuleCreated";

    static final int MAX_CONSECUTIVE_WINDOWS = 100;

    private static final Logger LOG = Logger.getLogger(AlertRuleService.class);

    private final OutboxWriter outbox;
    private final Clock clock;
    private final List<Duration> windowSizes;
    private final String windowSizeLabels;

    public AlertRuleService(OutboxWriter outbox, Clock clock, RuleSettings settings) {
        this.outbox = outbox;
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
    public AlertRuleEntity create(AlertRuleDraft draft) {
        Checks checks = new Checks();
        checks.name("name", draft.name());
        checkScope(checks, draft.scope());
        checks.identifier("metric", draft.metric());
        Aggregation aggregation = checks.oneOf("aggregation", draft.aggregation(), Aggregation.class);
        Duration windowSize = windowSize(checks, draft.windowSize());
        ThresholdDirection direction = checks.oneOf("direction", draft.direction(), ThresholdDirection.class);
        boolean raiseOk = threshold(checks, "raiseThreshold", draft.raiseThreshold());
        boolean clearOk = threshold(checks, "clearThreshold", draft.clearThreshold());
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

        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AlertRuleEntity rule = new AlertRuleEntity();
        rule.ruleId = UUID.randomUUID().toString();
        rule.name = draft.name();
        rule.scopeDeviceId = draft.scope().deviceId();
        rule.scopeDeviceType = draft.scope().deviceType();
        rule.scopeLabels = draft.scope().labels() == null
                ? Map.of()
                : new TreeMap<>(draft.scope().labels());
        rule.metric = draft.metric();
        rule.aggregation = aggregation;
        rule.windowSizeSeconds = Math.toIntExact(windowSize.toSeconds());
        rule.direction = direction;
        rule.raiseThreshold = draft.raiseThreshold();
        rule.clearThreshold = draft.clearThreshold();
        rule.consecutiveWindows = consecutiveWindows;
        rule.severity = severity;
        rule.enabled = draft.enabled() == null || draft.enabled();
        rule.createdAt = now;
        rule.updatedAt = now;
        rule.persist();
        outbox.append(
                RULE_CREATED,
                Topics.REGISTRY_ALERT_RULES,
                rule.ruleId,
                AvroRecords.encode(AvroRecords.rule(rule)),
                now);
        LOG.infof("alert rule [%s] created on metric [%s]", rule.ruleId, rule.metric);
        return rule;
    }

    /**
     * @throws UnknownResourceException if there is no such rule
     */
    public AlertRuleEntity get(String ruleId) {
        return AlertRuleEntity.<AlertRuleEntity>findByIdOptional(ruleId)
                .orElseThrow(() -> new UnknownResourceException("alert rule", ruleId));
    }

    /** One page of rules in rule id order. */
    public Page<AlertRuleEntity> list(String limit, String cursor) {
        int size = Cursor.limit(limit);
        String after = Cursor.lastId(cursor);
        return Page.of(AlertRuleEntity.page(after, size + 1), size, rule -> rule.ruleId);
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

    private static boolean threshold(Checks checks, String field, Double value) {
        if (value == null) {
            checks.add(field, "is required; give a number");
            return false;
        }
        if (!Double.isFinite(value)) {
            checks.add(field, "is out of range; give a finite number");
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
}
