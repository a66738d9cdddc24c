package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.config.IngestConfig;
import io.fleetstream.gateway.config.KafkaTopicsConfig;
import io.fleetstream.schema.TopicProvisioner;
import io.fleetstream.schema.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Set;

/** Creates the gateway's topics (when configured to), starts the registry views and readies the producer. */
@ApplicationScoped
public class KafkaStartup {

    /** The topics the gateway reads or writes. */
    static final Set<String> OWN_TOPICS =
            Set.of(Topics.TELEMETRY_RAW, Topics.REGISTRY_CREDENTIALS, Topics.REGISTRY_DEVICES);

    private final KafkaSettings settings;
    private final KafkaTopicsConfig topics;
    private final CredentialCache credentials;
    private final DeviceDirectory devices;
    private final TelemetryPublisher publisher;
    private final IngestConfig ingest;
    private final long httpBodyLimit;

    public KafkaStartup(
            KafkaSettings settings,
            KafkaTopicsConfig topics,
            CredentialCache credentials,
            DeviceDirectory devices,
            TelemetryPublisher publisher,
            IngestConfig ingest,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                    MemorySize httpBodyLimit) {
        this.settings = settings;
        this.topics = topics;
        this.credentials = credentials;
        this.devices = devices;
        this.publisher = publisher;
        this.ingest = ingest;
        this.httpBodyLimit = httpBodyLimit.asLongValue();
    }

    void onStart(@Observes StartupEvent event) {
        if (httpBodyLimit <= ingest.maxBodyBytes()) {
            Log.warnf(
                    "quarkus.http.limits.max-body-size (%d bytes) is not above fleetstream.ingest.max-body-bytes (%d);"
                            + " bodies between the two are refused by the HTTP layer without an explanation",
                    httpBodyLimit, ingest.maxBodyBytes());
        }
        IngestConfig.RateLimit limit = ingest.rateLimit();
        if (limit.readingsPerSecond() > 0 && limit.burst() < ingest.maxReadingsPerRequest()) {
            Log.warnf(
                    "fleetstream.ingest.rate-limit.burst (%d) is below fleetstream.ingest.max-readings-per-request "
                            + "(%d); requests with more readings than the burst are refused with 413",
                    limit.burst(), ingest.maxReadingsPerRequest());
        }
        if (topics.createTopics()) {
            List<Topics.TopicSpec> specs = Topics.catalogue(topics.partitions(), List.of()).stream()
                    .filter(spec -> OWN_TOPICS.contains(spec.name()))
                    .toList();
            Set<String> created = TopicProvisioner.ensure(settings.bootstrapServers(), specs);
            Log.infof("kafka: topics %s present (created now: %s)", OWN_TOPICS, created);
        }
        credentials.start();
        devices.start();
        publisher.warmUp();
    }
}
