package io.fleetstream.schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one catalogue of Kafka topic names. Downstream teams consume these topics, so a name here is a public contract:
 * rename only with a migration plan. Every topic is keyed by device id, except the rule changelog (keyed by rule id)
 * the credential changelog (keyed by credential id) and the operator key changelog (keyed by key id).
 */
public final class Topics {

    /** Readings accepted by the ingestion edge; value {@link TelemetryReading}. */
    public static final String TELEMETRY_RAW = "fleet.telemetry.raw";

    /** Readings joined with their device record; value {@link EnrichedReading}. */
    public static final String TELEMETRY_ENRICHED = "fleet.telemetry.enriched";

    /** Prefix of the per-window-size aggregate topics; value {@link MetricWindowAggregate}. */
    public static final String AGGREGATES_PREFIX = "fleet.telemetry.agg.";

    /** Matches every aggregate topic, for consumers that take all window sizes. */
    public static final Pattern AGGREGATES_PATTERN = Pattern.compile(Pattern.quote(AGGREGATES_PREFIX) + "[0-9]+[smhd]");

    /** Alert transitions; value {@link AlertEvent}. */
    public static final String ALERTS = "fleet.alerts";

    /** Compacted device changelog; value {@link Device}, tombstone = deleted. */
    public static final String REGISTRY_DEVICES = "fleet.registry.devices";

    /** Compacted credential changelog; value {@link DeviceCredential}, tombstone = deleted. */
    public static final String REGISTRY_CREDENTIALS = "fleet.registry.credentials";

    /** Compacted alert rule changelog; value {@link AlertRule}, tombstone = deleted. */
    public static final String REGISTRY_ALERT_RULES = "fleet.registry.alert-rules";

    /** Compacted operator API key changelog; value {@link OperatorKey}, tombstone = deleted. */
    public static final String REGISTRY_OPERATOR_KEYS = "fleet.registry.operator-keys";

    /** Prefix of the dead-letter topics, one per processing stage. */
    public static final String DEAD_LETTER_PREFIX = "fleet.dlq.";

    /** Dead-letter topic of the stream processor. */
    public static final String DEAD_LETTER_STREAMS = deadLetter("stream-processor");

    /** Dead-letter topic of the PostgreSQL sink. */
    public static final String DEAD_LETTER_SINK = deadLetter("telemetry-sink");

    private Topics() {}

    /** The aggregate topic for one window size, e.g. {@code fleet.telemetry.agg.1h}. */
    public static String aggregates(Duration windowSize) {
        return AGGREGATES_PREFIX + WindowSizes.label(windowSize);
    }

    /** The dead-letter topic of one processing stage. */
    public static String deadLetter(String stage) {
        return DEAD_LETTER_PREFIX + stage;
    }

    /**
     * Every topic the platform uses, with the settings it must be created with.
     *
     * @param partitions partitions of the device-keyed topics; must be the same for all of them so that joins are
     *     co-partitioned
     * @param windowSizes the aggregate window sizes in use
     */
    public static List<TopicSpec> catalogue(int partitions, List<Duration> windowSizes) {
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(TopicSpec.stream(TELEMETRY_RAW, partitions));
        specs.add(TopicSpec.stream(TELEMETRY_ENRICHED, partitions));
        for (Duration size : windowSizes) {
            specs.add(TopicSpec.stream(aggregates(size), partitions));
        }
        specs.add(TopicSpec.stream(ALERTS, partitions));
        specs.add(TopicSpec.compacted(REGISTRY_DEVICES, partitions));
        specs.add(TopicSpec.compacted(REGISTRY_CREDENTIALS, partitions));
        specs.add(TopicSpec.compacted(REGISTRY_ALERT_RULES, 1));
        specs.add(TopicSpec.compacted(REGISTRY_OPERATOR_KEYS, 1));
        specs.add(TopicSpec.stream(DEAD_LETTER_STREAMS, 1));
        specs.add(TopicSpec.stream(DEAD_LETTER_SINK, 1));
        return List.copyOf(specs);
    }

    /** Name, partition count and topic-level configuration of one topic. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {

        /**
         * Kafka measures time-based retention on record timestamps, and ours are event times: a replay of last year's
         * readings would be deleted moments after it was written, before anyone consumed it. Stream topics are
         * therefore bounded by size per partition instead; PostgreSQL is the store of record.
         */
        static final Map<String, String> SIZE_BOUNDED_RETENTION =
                Map.of("retention.ms", "-1", "retention.bytes", Long.toString(4L << 30));

        static TopicSpec stream(String name, int partitions) {
            return new TopicSpec(name, partitions, SIZE_BOUNDED_RETENTION);
        }

        static TopicSpec compacted(String name, int partitions) {
            return new TopicSpec(name, partitions, Map.of("cleanup.policy", "compact"));
        }
    }
}
