package io.fleetstream.sink.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the consumer loop runs and writes its batches; down while it retries a failing batch. */
@Readiness
@ApplicationScoped
public class SinkReadinessCheck implements HealthCheck {

    private final SinkStatus status;

    public SinkReadinessCheck(SinkStatus status) {
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = status.problem();
        var response = HealthCheckResponse.named("telemetry-sink");
        return problem == null
                ? response.up().build()
                : response.down().withData("reason", problem).build();
    }
}
