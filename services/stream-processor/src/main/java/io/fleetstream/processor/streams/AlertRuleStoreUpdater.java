package io.fleetstream.processor.streams;

import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maintains the global rule store from the rule changelog: a record puts the rule, a tombstone deletes it. Kafka
 * Streams also replays the changelog through this processor when it restores the store at startup. A global processor
 * cannot produce records, so an undecodable rule is logged and counted rather than dead-lettered; the store keeps the
 * previous version of that rule, if any.
 */
final class AlertRuleStoreUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(AlertRuleStoreUpdater.class);

    private final AvroSerde<AlertRule> serde = AvroSerde.of(AlertRule.class);
    private final ProcessorMetrics metrics;
    private final Set<Long> windowSizes;

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, AlertRule> rules;

    AlertRuleStoreUpdater(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.metrics = metrics;
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
    public void process(Record<String, byte[]> record) {
        String ruleId = record.key();
        if (ruleId == null) {
            reject(record, "rule record has no key; the key must be the rule id");
        } else if (record.value() == null) {
            rules.delete(ruleId);
            LOG.debugf("rule [%s] deleted", ruleId);
        } else {
            try {
                AlertRule rule = serde.decode(record.value());
                if (!ruleId.equals(rule.getRuleId())) {
                    reject(record, "record key must be the rule id [" + rule.getRuleId() + "]");
                } else {
                    rules.put(ruleId, rule);
                    LOG.debugf("rule [%s] stored", ruleId);
                    if (!windowSizes.contains(rule.getWindowSizeMillis())) {
                        LOG.warnf(
                                "rule [%s] uses a window of %d ms, which is not among"
                                        + " fleetstream.aggregation.window-sizes; it will never fire",
                                ruleId, rule.getWindowSizeMillis());
                    }
                }
            } catch (SerializationException e) {
                reject(record, e.getMessage());
            }
        }
        // The rule store is in memory, where the entry count is exact.
        metrics.rulesInStore(rules.approximateNumEntries());
    }

    private void reject(Record<String, byte[]> record, String reason) {
        metrics.ruleRejected();
        String where = context.recordMetadata()
                .map(source -> source.topic() + " partition " + source.partition() + " offset " + source.offset())
                .orElse(Topics.REGISTRY_ALERT_RULES);
        LOG.warnf(
                "skipped alert rule record [%s] from %s: %s; alerts keep using the previous version of this rule, if"
                        + " any",
                record.key(), where, reason);
    }
}
