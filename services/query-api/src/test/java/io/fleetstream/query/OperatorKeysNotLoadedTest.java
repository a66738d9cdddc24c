package io.fleetstream.query;

import io.fleetstream.query.auth.AuthOutcome;
import io.fleetstream.query.auth.OperatorAuthenticator;
import io.fleetstream.query.health.OperatorKeysReadiness;
import io.fleetstream.query.kafka.KafkaSettings;
import io.fleetstream.query.kafka.OperatorKeys;
import io.fleetstream.query.metrics.QueryMetrics;
import io.fleetstream.schema.OperatorRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Before the key changelog has been read, no key can be judged: a revocation may still be unread. The view here is
 * never started, which is how every view begins.
 */
class OperatorKeysNotLoadedTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private final OperatorKeys keys = new OperatorKeys(
            new KafkaSettings(Map.of("bootstrap.servers", "127.0.0.1:9")), new QueryMetrics(new SimpleMeterRegistry()));
    private final OperatorAuthenticator authenticator = new OperatorAuthenticator(keys);

    @Test
    void answersNotReadyForAKeyItAlreadyHoldsUntilCaughtUp() {
        keys.upsert("key-admin", OperatorKeyFixture.key("key-admin", "Ada", OperatorRole.ADMIN, "k1", null, null));

        assertThat(authenticator.authenticate("Bearer k1", NOW)).isInstanceOf(AuthOutcome.NotReady.class);
        assertThat(authenticator.authenticate("Bearer unknown", NOW)).isInstanceOf(AuthOutcome.NotReady.class);
    }

    @Test
    void stillRefusesARequestWithoutKeyWhileNotReady() {
        assertThat(authenticator.authenticate(null, NOW))
                .isInstanceOfSatisfying(AuthOutcome.Rejected.class, rejected -> assertThat(rejected.reason())
                        .isEqualTo("missing"));
    }

    @Test
    void readinessIsDownUntilCaughtUp() {
        HealthCheckResponse response = new OperatorKeysReadiness(keys).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData())
                .hasValueSatisfying(data -> assertThat(data).containsEntry("loaded", false));
    }
}
