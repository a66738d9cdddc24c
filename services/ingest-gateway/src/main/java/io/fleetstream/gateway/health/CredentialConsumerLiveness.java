package io.fleetstream.gateway.health;

import io.fleetstream.gateway.kafka.CredentialCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the thread following the credential changelog runs: without it, revocations would no longer reach the
 * gateway, and only a restart brings it back.
 */
@Liveness
@ApplicationScoped
public class CredentialConsumerLiveness implements HealthCheck {

    private final CredentialCache credentials;

    public CredentialConsumerLiveness(CredentialCache credentials) {
        this.credentials = credentials;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("credential-consumer")
                .status(credentials.alive())
                .build();
    }
}
