package io.fleetstream.gateway.health;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.KafkaReachability;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the credential cache has read the whole changelog as it stood at startup (otherwise valid devices would
 * be refused) and Kafka answers (otherwise every request would end in 503).
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final CredentialCache credentials;
    private final KafkaReachability kafka;

    public GatewayReadiness(CredentialCache credentials, KafkaReachability kafka) {
        this.credentials = credentials;
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = credentials.caughtUp();
        boolean reachable = kafka.reachable();
        return HealthCheckResponse.named("ingest-gateway")
                .status(loaded && reachable)
                .withData("credentials-loaded", loaded)
                .withData("credentials", credentials.size())
                .withData("kafka-reachable", reachable)
                .build();
    }
}
