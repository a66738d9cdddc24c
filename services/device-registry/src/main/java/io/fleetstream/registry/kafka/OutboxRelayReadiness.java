package io.fleetstream.registry.kafka;

import io.fleetstream.registry.config.OutboxSettings;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * Ready while the relay runs, its topics are provisioned and it has reached Kafka recently. The database part of
 * readiness comes from the datasource health check that Quarkus adds next to this one.
 */
@Readiness
@ApplicationScoped
public class OutboxRelayReadiness implements HealthCheck {

    private final OutboxRelay relay;
    private final OutboxSettings settings;
    private final Clock clock;

    public OutboxRelayReadiness(OutboxRelay relay, OutboxSettings settings, Clock clock) {
        this.relay = relay;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay");
        Instant contact = relay.lastKafkaContact();
        String topicProblem = relay.topicProblem();
        boolean fresh =
                contact != null && !contact.plus(settings.maxContactAge()).isBefore(clock.instant());
        response.withData("role", relay.role().name().toLowerCase(Locale.ROOT));
        response.withData("lastKafkaContact", contact == null ? "never" : contact.toString());
        if (topicProblem != null) {
            response.withData("topics", topicProblem);
        }
        try {
            response.withData("pending", relay.pending());
        } catch (SQLException e) {
            response.withData("pending", "unknown: the database is unreachable");
        }
        return response.status(relay.isRunning() && topicProblem == null && fresh)
                .build();
    }
}
