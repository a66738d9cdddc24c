package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.AlertTrack;
import io.fleetstream.processor.domain.ClosedMetricWindow;
import io.fleetstream.processor.domain.RuleMatching;
import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.MetricWindowAggregate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Evaluates every applicable alert rule on each final window aggregate and publishes RAISED and CLEARED transitions.
 * The per-(device, rule) state lives in a store of the same task, so under exactly-once the state change and the event
 * are committed together: a restart never publishes a transition twice.
 */
final class AlertEvaluator implements Processor<String, ClosedMetricWindow, String, AlertEvent> {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);

    private final ProcessorMetrics metrics;

    private ProcessorContext<String, AlertEvent> context;
    private ReadOnlyKeyValueStore<String, AlertRule> rules;
    private KeyValueStore<String, byte[]> tracks;

    AlertEvaluator(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.rules = context.getStateStore(StoreNames.ALERT_RULES);
        this.tracks = context.getStateStore(StoreNames.ALERT_TRACKS);
    }

    @Override
    public void process(Record<String, ClosedMetricWindow> record) {
        ClosedMetricWindow window = record.value();
        try (KeyValueIterator<String, AlertRule> all = rules.all()) {
            while (all.hasNext()) {
                AlertRule rule = all.next().value;
                if (RuleMatching.applies(rule, window)) {
                    evaluate(rule, window.aggregate());
                }
            }
        }
    }

    private void evaluate(AlertRule rule, MetricWindowAggregate aggregate) {
        String deviceId = aggregate.getDeviceId();
        String trackKey = deviceId + '\n' + rule.getRuleId();
        AlertTrack current = AlertTrackCodec.decode(tracks.get(trackKey));
        double value = RuleMatching.valueOf(rule, aggregate);
        long windowStart = aggregate.getWindowStart().toEpochMilli();
        long windowEnd = aggregate.getWindowEnd().toEpochMilli();
        AlertTrack.Step step = current.evaluate(rule, deviceId, value, windowStart, windowEnd);
        if (step.next().isIdle()) {
            tracks.delete(trackKey);
        } else {
            tracks.put(trackKey, AlertTrackCodec.encode(step.next()));
        }
        if (step.transition() == null) {
            return;
        }
        AlertTrack episode = step.transition() == AlertState.RAISED ? step.next() : current;
        AlertEvent event = AlertEvent.newBuilder()
                .setAlertId(episode.alertId())
                .setState(step.transition())
                .setDeviceId(deviceId)
                .setDeviceType(aggregate.getDeviceType())
                .setRuleId(rule.getRuleId())
                .setRuleName(rule.getName())
                .setSeverity(rule.getSeverity())
                .setMetric(aggregate.getMetric())
                .setAggregation(rule.getAggregation())
                .setWindowSizeMillis(aggregate.getWindowSizeMillis())
                .setWindowStart(aggregate.getWindowStart())
                .setValue(value)
                .setThreshold(
                        step.transition() == AlertState.RAISED ? rule.getRaiseThreshold() : rule.getClearThreshold())
                .setRaisedAt(Instant.ofEpochMilli(episode.raisedAtMillis()))
                .setEventTime(aggregate.getWindowEnd())
                .build();
        context.forward(new Record<>(deviceId, event, windowEnd), TelemetryTopology.ALERTS_SINK);
        metrics.alertTransition(step.transition());
        LOG.debugf(
                "alert [%s] %s: rule [%s] on device [%s], %s %s = %s",
                event.getAlertId(),
                step.transition(),
                rule.getRuleId(),
                deviceId,
                rule.getAggregation(),
                aggregate.getMetric(),
                value);
    }
}
