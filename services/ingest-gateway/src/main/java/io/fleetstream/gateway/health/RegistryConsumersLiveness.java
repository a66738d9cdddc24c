package io.fleetstream.gateway.health;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.DeviceDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the threads following the credential and device changelogs run: without them, revocations and
 * suspensions would no longer reach the gateway, and only a restart brings them back.
 */
@Liveness
@ApplicationScoped
public class RegistryConsumersLiveness implements HealthCheck {

    private final CredentialCache credentials;
    private final DeviceDirectory devices;

    public RegistryConsumersLiveness(CredentialCache credentials, DeviceDirectory devices) {
        this.credentials = credentials;
        this.devices = devices;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("registry-consumers")
                .status(credentials.alive() && devices.alive())
                .withData("credentials", credentials.alive())
                .withData("devices", devices.alive())
                .build();
    }
}
