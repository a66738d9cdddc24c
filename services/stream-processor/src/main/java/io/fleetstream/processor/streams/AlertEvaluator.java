package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.AlertTrack;
import io.fleetstream.processor.domain.ClosedMetricWindow;
import io.fleetstream.processor.domain.RuleMatching;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.RuleKind;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alert engine. It receives every final window (revision 0) from the aggregator and every new reading from the
 * enrichment, and publishes RAISED and CLEARED transitions:
 *
 * <ul>
 *   <li>THRESHOLD on a window aggregate, or on the raw value of each reading (aggregation RAW);
 *   <li>RATE_OF_CHANGE: (aggregate of a window - aggregate of the window just before it) per minute of window size;
 *   <li>INACTIVITY: no matching reading for longer than the rule's timeout on the wall clock, checked by a punctuator.
 * </ul>
 *
 * The same punctuator closes open episodes whose rule was deleted, disabled or changed, or whose device was deleted,
 * with a CLEARED event that names the cause. The per-(device, rule) state lives in a changelogged store of the same
 * task, so under exactly-once the state change and the event are committed together: a restart never publishes a
 * transition twice, and the episode keeps its id.
 */
final class AlertEvaluator implements Processor<String, Object, Object, Object> {

    /** Causes of a CLEARED event that the clear condition did not cause (the {@code cause} field). */
    static final String RULE_DELETED = "RULE_DELETED";

    static final String RULE_DISABLED = "RULE_DISABLED";
    static final String RULE_CHANGED = "RULE_CHANGED";
    static final String DEVICE_DELETED = "DEVICE_DELETED";

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);

    private final ProcessorSettings settings;
    private final ProcessorMetrics metrics;

    private ProcessorContext<Object, Object> context;
    private ReadOnlyKeyValueStore<String, AlertRule> rules;
    private KeyValueStore<String, byte[]> tracks;
    private KeyValueStore<String, Device> devices;

    AlertEvaluator(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.rules = context.getStateStore(StoreNames.ALERT_RULES);
        this.tracks = context.getStateStore(StoreNames.ALERT_STATE);
        this.devices = context.getStateStore(StoreNames.DEVICES);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof ClosedMetricWindow window) {
            onWindow(window);
        } else if (record.value() instanceof EnrichedReading reading) {
            onReading(reading, context.currentSystemTimeMs());
        }
    }

    private void onWindow(ClosedMetricWindow window) {
        MetricWindowAggregate aggregate = window.aggregate();
        String deviceId = aggregate.getDeviceId();
        if (devices.get(deviceId) == null) {
            // A window of a device deleted since: its data was accepted, but no rule applies to it any more.
            return;
        }
        for (AlertRule rule : enabledRules()) {
            if (RuleMatching.applies(rule, window)) {
                if (rule.getKind() == RuleKind.RATE_OF_CHANGE) {
                    evaluateRate(rule, aggregate);
                } else {
                    evaluateThreshold(rule, aggregate);
                }
            }
        }
    }

    private void evaluateThreshold(AlertRule rule, MetricWindowAggregate aggregate) {
        String deviceId = aggregate.getDeviceId();
        AlertTrack track = current(deviceId, rule, aggregate.getDeviceType());
        long start = aggregate.getWindowStart().toEpochMilli();
        long end = aggregate.getWindowEnd().toEpochMilli();
        double value = RuleMatching.valueOf(rule, aggregate);
        AlertTrack.Step step = track.observe(deviceId, value, track.lastWindowEndMillis() == start, end, end);
        save(deviceId, rule, step.next());
        announce(deviceId, rule, track, step, start, aggregate.getWindowSizeMillis(), value, end);
    }

    private void evaluateRate(AlertRule rule, MetricWindowAggregate aggregate) {
        String deviceId = aggregate.getDeviceId();
        AlertTrack track = current(deviceId, rule, aggregate.getDeviceType());
        long start = aggregate.getWindowStart().toEpochMilli();
        long end = aggregate.getWindowEnd().toEpochMilli();
        double statistic = RuleMatching.valueOf(rule, aggregate);
        if (Double.isNaN(track.previousAggregate()) || track.lastWindowEndMillis() != start) {
            // No adjacent previous window: no rate yet, and a gap restarts the streak. An open episode stays open.
            AlertTrack reset = new AlertTrack(
                    track.open(),
                    track.alertId(),
                    track.raisedAtMillis(),
                    0,
                    end,
                    track.lastValue(),
                    statistic,
                    track.lastActivityMillis(),
                    track.deviceType(),
                    track.rule());
            save(deviceId, rule, reset);
            return;
        }
        double minutes = aggregate.getWindowSizeMillis() / 60_000.0;
        double rate = (statistic - track.previousAggregate()) / minutes;
        AlertTrack.Step step = track.observe(deviceId, rate, true, end, end);
        save(deviceId, rule, step.next().withPreviousAggregate(statistic, end));
        announce(deviceId, rule, track, step, start, aggregate.getWindowSizeMillis(), rate, end);
    }

    private void onReading(EnrichedReading reading, long now) {
        String deviceId = reading.getDeviceId();
        for (AlertRule rule : enabledRules()) {
            if (!RuleMatching.scopeMatches(rule.getScope(), deviceId, reading.getDeviceType(), reading.getLabels())) {
                continue;
            }
            if (RuleMatching.isRaw(rule) && reading.getMetrics().containsKey(rule.getMetric())) {
                AlertTrack track = current(deviceId, rule, reading.getDeviceType());
                long ts = reading.getTs().toEpochMilli();
                double value = reading.getMetrics().get(rule.getMetric());
                AlertTrack.Step step = track.observe(deviceId, value, true, ts, ts);
                save(deviceId, rule, step.next());
                announce(deviceId, rule, track, step, ts, 0L, value, ts);
            } else if (rule.getKind() == RuleKind.INACTIVITY && RuleMatching.isActivity(rule, reading.getMetrics())) {
                AlertTrack track = current(deviceId, rule, reading.getDeviceType());
                AlertTrack.Step step = track.activity(now);
                save(deviceId, rule, step.next());
                if (step.transition() != null) {
                    publish(
                            deviceId,
                            rule,
                            track,
                            AlertState.CLEARED,
                            track.lastActivityMillis(),
                            0L,
                            step.next().lastValue(),
                            timeoutSeconds(rule),
                            now,
                            null);
                }
            }
        }
    }

    private void onWallClock(long now) {
        watchForInactivity(now);
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> entries = tracks.all()) {
            entries.forEachRemaining(all::add);
        }
        for (KeyValue<String, byte[]> entry : all) {
            String deviceId = entry.key.substring(0, entry.key.indexOf('\n'));
            AlertTrack track = AlertTrackCodec.decode(entry.value);
            AlertRule rule = rules.get(track.rule().getRuleId());
            Device device = devices.get(deviceId);
            String cause = device == null
                    ? DEVICE_DELETED
                    : rule == null
                            ? RULE_DELETED
                            : !rule.getEnabled()
                                    ? RULE_DISABLED
                                    : !RuleMatching.sameEvaluation(track.rule(), rule) ? RULE_CHANGED : null;
            if (cause != null) {
                tracks.delete(entry.key);
                if (track.open()) {
                    forceClear(deviceId, track, cause, now);
                }
            } else if (rule.getKind() == RuleKind.INACTIVITY) {
                if (!RuleMatching.scopeMatches(rule.getScope(), deviceId, device.getType(), device.getLabels())) {
                    // The device no longer matches the rule: stop watching it (an open episode waits for data).
                    if (!track.open()) {
                        tracks.delete(entry.key);
                    }
                    continue;
                }
                AlertTrack.Step step = track.silence(deviceId, now);
                if (step.transition() != null) {
                    save(deviceId, rule, step.next());
                    publish(
                            deviceId,
                            rule,
                            step.next(),
                            AlertState.RAISED,
                            track.lastActivityMillis(),
                            0L,
                            step.next().lastValue(),
                            timeoutSeconds(rule),
                            now,
                            null);
                }
            }
        }
    }

    /**
     * Starts measuring silence, from now, for every (device, INACTIVITY rule) pair that applies and is not watched yet:
     * a device that never sends anything is reported one timeout after the rule or the device appeared.
     */
    private void watchForInactivity(long now) {
        List<AlertRule> inactivity = enabledRules().stream()
                .filter(rule -> rule.getKind() == RuleKind.INACTIVITY && rule.getInactivityTimeoutMillis() != null)
                .toList();
        if (inactivity.isEmpty()) {
            return;
        }
        try (KeyValueIterator<String, Device> all = devices.all()) {
            while (all.hasNext()) {
                Device device = all.next().value;
                for (AlertRule rule : inactivity) {
                    String key = trackKey(device.getDeviceId(), rule);
                    if (RuleMatching.scopeMatches(
                                    rule.getScope(), device.getDeviceId(), device.getType(), device.getLabels())
                            && tracks.get(key) == null) {
                        tracks.put(key, AlertTrackCodec.encode(AlertTrack.watching(rule, device.getType(), now)));
                    }
                }
            }
        }
    }

    /**
     * The stored state of the pair under {@code rule}. State kept under a version of the rule that evaluates
     * differently is dropped first, and its open episode cleared with cause RULE_CHANGED, so that an episode never
     * mixes two versions of a rule.
     */
    private AlertTrack current(String deviceId, AlertRule rule, String deviceType) {
        AlertTrack stored = AlertTrackCodec.decode(tracks.get(trackKey(deviceId, rule)));
        if (stored != null && !RuleMatching.sameEvaluation(stored.rule(), rule)) {
            if (stored.open()) {
                forceClear(deviceId, stored, RULE_CHANGED, context.currentSystemTimeMs());
            }
            stored = null;
        }
        if (stored == null) {
            return rule.getKind() == RuleKind.INACTIVITY
                    ? AlertTrack.watching(rule, deviceType, context.currentSystemTimeMs())
                    : AlertTrack.initial(rule, deviceType);
        }
        return stored;
    }

    private void save(String deviceId, AlertRule rule, AlertTrack track) {
        String key = trackKey(deviceId, rule);
        if (track.isIdle()) {
            tracks.delete(key);
        } else {
            tracks.put(key, AlertTrackCodec.encode(track));
        }
    }

    /** Publishes the transition of a threshold or rate observation, if it made one. */
    private void announce(
            String deviceId,
            AlertRule rule,
            AlertTrack before,
            AlertTrack.Step step,
            long windowStart,
            long windowSize,
            double value,
            long eventTime) {
        if (step.transition() == null) {
            return;
        }
        boolean raised = step.transition() == AlertState.RAISED;
        publish(
                deviceId,
                rule,
                raised ? step.next() : before,
                step.transition(),
                windowStart,
                windowSize,
                value,
                raised ? rule.getRaiseThreshold() : rule.getClearThreshold(),
                eventTime,
                null);
    }

    /** Clears an open episode that its clear condition did not end, using the rule version it was raised under. */
    private void forceClear(String deviceId, AlertTrack episode, String cause, long now) {
        AlertRule rule = episode.rule();
        double threshold = rule.getKind() == RuleKind.INACTIVITY ? timeoutSeconds(rule) : rule.getClearThreshold();
        double value = Double.isNaN(episode.lastValue()) ? 0.0 : episode.lastValue();
        publish(
                deviceId,
                rule,
                episode,
                AlertState.CLEARED,
                now,
                rule.getWindowSizeMillis(),
                value,
                threshold,
                now,
                cause);
    }

    private void publish(
            String deviceId,
            AlertRule rule,
            AlertTrack episode,
            AlertState state,
            long windowStart,
            long windowSize,
            double value,
            double threshold,
            long eventTime,
            String cause) {
        AlertEvent event = AlertEvent.newBuilder()
                .setAlertId(episode.alertId())
                .setState(state)
                .setDeviceId(deviceId)
                .setDeviceType(episode.deviceType())
                .setRuleId(rule.getRuleId())
                .setRuleName(rule.getName())
                .setSeverity(rule.getSeverity())
                .setMetric(rule.getMetric())
                .setAggregation(rule.getAggregation())
                .setWindowSizeMillis(windowSize)
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setValue(value)
                .setThreshold(threshold)
                .setRaisedAt(Instant.ofEpochMilli(episode.raisedAtMillis()))
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setRuleKind(rule.getKind())
                .setCause(cause)
                .build();
        context.forward(new Record<Object, Object>(deviceId, event, eventTime), TelemetryTopology.ALERTS_SINK);
        metrics.alertTransition(rule.getKind(), state);
        LOG.debugf(
                "alert [%s] %s%s: %s rule [%s] on device [%s], value %s",
                event.getAlertId(),
                state,
                cause == null ? "" : " (" + cause + ")",
                rule.getKind(),
                rule.getRuleId(),
                deviceId,
                value);
    }

    private List<AlertRule> enabledRules() {
        List<AlertRule> enabled = new ArrayList<>();
        try (KeyValueIterator<String, AlertRule> all = rules.all()) {
            while (all.hasNext()) {
                AlertRule rule = all.next().value;
                if (rule.getEnabled()) {
                    enabled.add(rule);
                }
            }
        }
        return enabled;
    }

    private static double timeoutSeconds(AlertRule rule) {
        Long timeout = rule.getInactivityTimeoutMillis();
        return timeout == null ? 0.0 : timeout / 1000.0;
    }

    private static String trackKey(String deviceId, AlertRule rule) {
        return deviceId + '\n' + rule.getRuleId();
    }
}
