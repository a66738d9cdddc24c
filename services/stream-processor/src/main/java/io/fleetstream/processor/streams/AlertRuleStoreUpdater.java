package io.fleetstream.processor.streams;

import io.fleetstream.processor.domain.RuleMatching;
import io.fleetstream.schema.Aggregation;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maintains the global rule store from the rule changelog: a record puts the rule, a tombstone deletes it. Kafka
 * Streams also replays the changelog through this processor when it restores the store at startup. A record that
 * cannot be used is counted, logged, and handed to {@link RejectedRules} for the dead-letter topic; the store keeps
 * the previous version of that rule, if any.
 */
final class AlertRuleStoreUpdater implements Processor<byte[], byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(AlertRuleStoreUpdater.class);

    private final AvroSerde<AlertRule> serde = AvroSerde.of(AlertRule.class);
    private final ProcessorMetrics metrics;
    private final RejectedRules rejected;
    private final Set<Long> windowSizes;

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, AlertRule> rules;

    AlertRuleStoreUpdater(ProcessorSettings settings, ProcessorMetrics metrics, RejectedRules rejected) {
        this.metrics = metrics;
        this.rejected = rejected;
        this.windowSizes =
                settings.windowSizes().stream().map(Duration::toMillis).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.rules = context.getStateStore(StoreNames.ALERT_RULES);
        metrics.rulesInStore(rules.approximateNumEntries());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String ruleId = RecordKeys.text(record.key());
        if (ruleId == null) {
            reject(record, DeadLetterReason.KEY_MISMATCH, "rule record key must be the rule id as UTF-8");
        } else if (record.value() == null) {
            rules.delete(ruleId);
            LOG.debugf("rule [%s] deleted", ruleId);
        } else {
            try {
                AlertRule rule = serde.decode(record.value());
                if (!ruleId.equals(rule.getRuleId())) {
                    reject(
                            record,
                            DeadLetterReason.KEY_MISMATCH,
                            "record key must be the rule id [" + rule.getRuleId() + "]");
                } else {
                    rules.put(ruleId, rule);
                    LOG.debugf("rule [%s] stored", ruleId);
                    warnIfItCannotFire(rule);
                }
            } catch (SerializationException e) {
                reject(record, DeadLetterReason.UNDECODABLE, e.getMessage());
            }
        }
        // The rule store is in memory, where the entry count is exact.
        metrics.rulesInStore(rules.approximateNumEntries());
    }

    private void warnIfItCannotFire(AlertRule rule) {
        String problem = null;
        if (rule.getKind() == RuleKind.INACTIVITY) {
            if (rule.getInactivityTimeoutMillis() == null || rule.getInactivityTimeoutMillis() <= 0) {
                problem = "an INACTIVITY rule needs a positive inactivityTimeoutMillis";
            }
        } else if (RuleMatching.ANY_METRIC.equals(rule.getMetric())) {
            problem = "metric * is only meaningful for INACTIVITY rules";
        } else if (RuleMatching.isRaw(rule)) {
            return;
        } else if (rule.getKind() == RuleKind.RATE_OF_CHANGE && rule.getAggregation() == Aggregation.RAW) {
            problem = "a RATE_OF_CHANGE rule needs a window aggregation, not RAW";
        } else if (!windowSizes.contains(rule.getWindowSizeMillis())) {
            problem = "its window of " + rule.getWindowSizeMillis()
                    + " ms is not among fleetstream.aggregation.window-sizes";
        }
        if (problem != null) {
            LOG.warnf("rule [%s] will never fire: %s", rule.getRuleId(), problem);
        }
    }

    private void reject(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        metrics.ruleRejected();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        rejected.add(new RejectedRules.Rejected(
                record.key(), record.value(), source.topic(), source.partition(), source.offset(), reason, detail));
        LOG.warnf(
                "skipped alert rule record from %s partition %d offset %d: %s; alerts keep using the previous version"
                        + " of this rule, if any; it goes to %s",
                source.topic(), source.partition(), source.offset(), detail, Topics.DEAD_LETTER_STREAMS);
    }
}
