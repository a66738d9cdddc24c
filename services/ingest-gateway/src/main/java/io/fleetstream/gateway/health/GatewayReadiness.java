package io.fleetstream.gateway.health;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.DeviceDirectory;
import io.fleetstream.gateway.kafka.KafkaReachability;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the credential cache and the device directory have each read their changelog as it stood at startup
 * (until then every request is answered with 503) and Kafka answers (otherwise every request would end in 503).
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final CredentialCache credentials;
    private final DeviceDirectory devices;
    private final KafkaReachability kafka;

    public GatewayReadiness(CredentialCache credentials, DeviceDirectory devices, KafkaReachability kafka) {
        this.credentials = credentials;
        this.devices = devices;
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        boolean credentialsLoaded = credentials.caughtUp();
        boolean devicesLoaded = devices.caughtUp();
        boolean reachable = kafka.reachable();
        return HealthCheckResponse.named("ingest-gateway")
                .status(credentialsLoaded && devicesLoaded && reachable)
                .withData("credentials-loaded", credentialsLoaded)
                .withData("credentials", credentials.size())
                .withData("devices-loaded", devicesLoaded)
                .withData("devices", devices.size())
                .withData("kafka-reachable", reachable)
                .build();
    }
}
