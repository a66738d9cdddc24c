package io.fleetstream.gateway.http;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.infra.SharedInfra;
import io.fleetstream.schema.TokenHash;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Kills the module's shared broker, so it restarts it before returning, whatever happened, and waits for the gateway to
 * be ready again: the other test classes of the module share the broker.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class KafkaOutageTest {

    private static final String TOKEN = "tok-outage-3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f";
    private static final String READING =
            "{\"ts\": " + Instant.parse("2025-03-01T12:00:00Z").toEpochMilli() + ", \"metrics\": {\"flow\": 2.5}}";

    @Inject
    CredentialCache credentials;

    @Test
    void answers503WithRetryAfterWhileKafkaIsDownAndRecoversAfterwards() {
        GatewayKafka.publishCredential("cred-outage", "pump-99", TOKEN, null, null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> credentials.find(TokenHash.of(TOKEN)).isPresent());
        TelemetryResourceTest.post(TOKEN, READING).statusCode(202);

        SharedInfra.kafka().kill();
        try {
            TelemetryResourceTest.post(TOKEN, READING)
                    .statusCode(503)
                    .header("Retry-After", "7")
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:fleetstream:problem:unavailable"))
                    .body("detail", containsString("send the whole request again"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        } finally {
            SharedInfra.kafka().restart();
        }

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(TOKEN, READING).statusCode(202));
    }
}
