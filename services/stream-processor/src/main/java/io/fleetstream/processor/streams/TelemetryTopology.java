package io.fleetstream.processor.streams;

import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.Topics;
import io.fleetstream.schema.WindowSizes;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * The whole stream processor as one Kafka Streams topology, built by a plain method so that tests drive exactly what
 * production runs.
 *
 * <pre>
 * fleet.telemetry.raw -------> reading-enricher -+--> fleet.telemetry.enriched
 *   (dedup, park, enrich)                        +--> aggregator ---+--> fleet.telemetry.agg.*
 * fleet.registry.devices ----> device-table -----+                  +--> alert-evaluator --> fleet.alerts
 *                                                +--> alert-evaluator (raw and inactivity rules)
 *                                                +--> fleet.dlq.stream-processor
 * fleet.registry.alert-rules --> alert-rules-updater --> global store alert-rules (read by alert-evaluator)
 *                                      +--> refused records, dead-lettered by reading-enricher of partition 0
 * </pre>
 *
 * Readings and devices share one sub-topology (they share the device and pending stores), so Kafka Streams assigns the
 * same partition of both topics to one task; the key stays the device id throughout, so there is no repartition.
 */
public final class TelemetryTopology {

    static final String RAW_SOURCE = "raw-source";
    static final String DEVICES_SOURCE = "devices-source";
    static final String RULES_SOURCE = "alert-rules-source";
    static final String READINGS = "reading-enricher";
    static final String DEVICES = "device-table";
    static final String RULES = "alert-rules-updater";
    static final String AGGREGATOR = "aggregator";
    static final String ALERT_EVALUATOR = "alert-evaluator";
    static final String ENRICHED_SINK = "enriched-sink";
    static final String ALERTS_SINK = "alerts-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private TelemetryTopology() {}

    /** Builds the topology for the given settings; meters are registered with {@code metrics}. */
    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics) {
        Topology topology = new Topology();
        RejectedRules rejectedRules = new RejectedRules();

        topology.addSource(RAW_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.TELEMETRY_RAW);
        topology.addSource(
                AutoOffsetReset.earliest(),
                DEVICES_SOURCE,
                new DevicesFirstTimestampExtractor(),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                Topics.REGISTRY_DEVICES);

        topology.addProcessor(READINGS, () -> new ReadingEnricher(settings, metrics, rejectedRules), RAW_SOURCE);
        topology.addProcessor(DEVICES, () -> new DeviceTableProcessor(settings, metrics), DEVICES_SOURCE);
        topology.addProcessor(AGGREGATOR, () -> new WindowAggregator(settings, metrics), READINGS, DEVICES);
        topology.addProcessor(
                ALERT_EVALUATOR, () -> new AlertEvaluator(settings, metrics), AGGREGATOR, READINGS, DEVICES);

        topology.addSink(
                ENRICHED_SINK,
                Topics.TELEMETRY_ENRICHED,
                new StringSerializer(),
                AvroSerde.of(EnrichedReading.class),
                READINGS,
                DEVICES);
        for (Duration size : settings.windowSizes()) {
            topology.addSink(
                    aggregateSink(size),
                    Topics.aggregates(size),
                    new StringSerializer(),
                    AvroSerde.of(MetricWindowAggregate.class),
                    AGGREGATOR);
        }
        topology.addSink(
                ALERTS_SINK, Topics.ALERTS, new StringSerializer(), AvroSerde.of(AlertEvent.class), ALERT_EVALUATOR);
        topology.addSink(
                DEAD_LETTER_SINK,
                Topics.DEAD_LETTER_STREAMS,
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                READINGS,
                DEVICES);

        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.DEVICES),
                        Serdes.String(),
                        AvroSerde.of(Device.class)),
                READINGS,
                DEVICES,
                ALERT_EVALUATOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.PENDING_READINGS),
                        Serdes.Bytes(),
                        Serdes.ByteArray()),
                READINGS,
                DEVICES);
        // One key-value store, not window stores: see Deduplication for why and for its keys.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.DEDUP_SEEN), Serdes.Bytes(), Serdes.ByteArray()),
                READINGS,
                DEVICES);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.RULE_DEAD_LETTERS), Serdes.String(), Serdes.Long()),
                READINGS);
        // Windows are held in memory, backed by their changelog topics. The aggregator deletes windows as they close
        // and scans each device's windows on every reading; in RocksDB each scan would first step over all the
        // deletions since the last compaction, which slowed a replay of the demo data to a few hundred readings per
        // second. The state is small: devices x sizes x ((grace + correction horizon) / size + 1) windows.
        for (String windows : new String[] {StoreNames.OPEN_WINDOWS, StoreNames.CORRECTABLE_WINDOWS}) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(windows), Serdes.Bytes(), Serdes.ByteArray()),
                    AGGREGATOR);
        }
        for (String perDevice : new String[] {StoreNames.WINDOW_MARKS, StoreNames.DEVICE_CLOCKS}) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(perDevice), Serdes.String(), Serdes.ByteArray()),
                    AGGREGATOR);
        }
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ALERT_STATE), Serdes.String(), Serdes.ByteArray()),
                ALERT_EVALUATOR);

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.ALERT_RULES),
                                Serdes.String(),
                                AvroSerde.of(AlertRule.class))
                        .withLoggingDisabled(),
                RULES_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                Topics.REGISTRY_ALERT_RULES,
                RULES,
                () -> new AlertRuleStoreUpdater(settings, metrics, rejectedRules));
        return topology;
    }

    /** Name of the sink node of the aggregate topic of one window size. */
    static String aggregateSink(Duration size) {
        return "aggregates-" + WindowSizes.label(size) + "-sink";
    }
}
