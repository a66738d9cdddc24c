package io.fleetstream.query.health;

import io.fleetstream.query.kafka.OperatorKeys;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the operator key changelog has been read as it stood at start: until then every request is 503. */
@Readiness
@ApplicationScoped
public class OperatorKeysReadiness implements HealthCheck {

    private final OperatorKeys keys;

    public OperatorKeysReadiness(OperatorKeys keys) {
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = keys.caughtUp();
        return HealthCheckResponse.named("operator-keys")
                .status(loaded && keys.alive())
                .withData("loaded", loaded)
                .withData("keys", keys.size())
                .build();
    }
}
