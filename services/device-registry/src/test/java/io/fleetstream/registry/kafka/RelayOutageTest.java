package io.fleetstream.registry.kafka;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.infra.KafkaBroker;
import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the module's shared broker and starts it again within the test, so that the tests after it find Kafka up.
 * The application's test profile shortens the send timeout and the readiness contact age to 5 seconds.
 */
@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class RelayOutageTest {

    @Test
    void deliversChangesMadeWhileKafkaWasDown() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> admin().get("/q/health/ready").then().statusCode(200));
        KafkaBroker kafka = SharedInfra.kafka();
        String deviceId = uniqueId("outage");
        double failuresBefore = relayFailures();

        kafka.kill();
        try {
            // The registry keeps accepting changes; they wait in the outbox.
            createDevice(deviceId, "sensor").statusCode(201);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> admin().get("/q/health/ready").then().statusCode(503));
            await().atMost(Duration.ofSeconds(30)).until(() -> relayFailures() > failuresBefore);
        } finally {
            kafka.restart();
        }

        List<byte[]> values = await().atMost(Duration.ofSeconds(60))
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> !list.isEmpty());
        assertThat(values).hasSize(1);
        assertThat(decode(Device.class, values.get(0)).getDeviceId()).isEqualTo(deviceId);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> admin().get("/q/health/ready").then().statusCode(200));
    }

    private static double relayFailures() {
        String metrics =
                admin().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("fleetstream_registry_outbox_relay_failures_total{cause=\"kafka\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
