package io.fleetstream.processor.streams;

import io.fleetstream.processor.config.AggregationConfig;
import io.fleetstream.processor.config.DeduplicationConfig;
import io.fleetstream.processor.config.EnrichmentConfig;
import io.fleetstream.processor.config.KafkaTopicsConfig;
import io.fleetstream.processor.config.StreamsStateConfig;
import io.fleetstream.schema.TopicProvisioner;
import io.fleetstream.schema.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * Hands the topology to the Quarkus Kafka Streams extension. The extension asks for it before it creates the
 * KafkaStreams instance, so the topics are provisioned here: they exist before any stream thread starts.
 */
@Singleton
public class StreamsTopologyProducer {

    private static final Logger LOG = Logger.getLogger(StreamsTopologyProducer.class);

    private final AggregationConfig aggregation;
    private final EnrichmentConfig enrichment;
    private final DeduplicationConfig deduplication;
    private final KafkaTopicsConfig kafka;
    private final StreamsStateConfig state;
    private final String bootstrapServers;
    private final ProcessorMetrics metrics;

    public StreamsTopologyProducer(
            AggregationConfig aggregation,
            EnrichmentConfig enrichment,
            DeduplicationConfig deduplication,
            KafkaTopicsConfig kafka,
            StreamsStateConfig state,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            ProcessorMetrics metrics) {
        this.aggregation = aggregation;
        this.enrichment = enrichment;
        this.deduplication = deduplication;
        this.kafka = kafka;
        this.state = state;
        this.bootstrapServers = bootstrapServers;
        this.metrics = metrics;
    }

    @Produces
    @Singleton
    Topology topology() {
        ProcessorSettings settings = new ProcessorSettings(
                aggregation.windowSizes(),
                aggregation.grace(),
                aggregation.idleCloseAfter(),
                aggregation.punctuateInterval(),
                enrichment.pendingTimeout(),
                aggregation.correctionHorizon(),
                deduplication.retention());
        if (settings.dedupRetention().compareTo(deduplication.retention()) > 0) {
            LOG.warnf(
                    "fleetstream.deduplication.retention %s is shorter than the largest window + grace + correction"
                            + " horizon; using %s so that a retry can never change an aggregate twice",
                    deduplication.retention(), settings.dedupRetention());
        }
        if (kafka.createTopics()) {
            Set<String> created = TopicProvisioner.ensure(
                    bootstrapServers, Topics.catalogue(kafka.partitions(), settings.windowSizes()));
            LOG.infof(
                    "topics ready at %s (%d partitions per device-keyed topic); created %s",
                    bootstrapServers, kafka.partitions(), created.isEmpty() ? "none" : created);
        }
        LOG.infof(
                "stream topology: windows %s, grace %s, correction horizon %s, idle close after %s, pending timeout %s,"
                        + " dedup retention %s, state in %s",
                settings.windowSizes(),
                settings.grace(),
                settings.correctionHorizon(),
                settings.idleCloseAfter(),
                settings.pendingTimeout(),
                settings.dedupRetention(),
                state.stateDir());
        return TelemetryTopology.build(settings, metrics);
    }
}
