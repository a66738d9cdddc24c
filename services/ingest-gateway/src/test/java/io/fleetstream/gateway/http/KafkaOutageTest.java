package io.fleetstream.gateway.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.infra.SharedInfra;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
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

    @Test
    void answers503WithRetryAfterWhileKafkaIsDownAndRecoversAfterwards() {
        GatewayKafka.publishActiveDevice("cred-outage", "pump-99", TOKEN);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(TOKEN, READING).statusCode(202));
        String withId = "{\"ts\": " + Instant.parse("2025-03-01T12:00:01Z").toEpochMilli()
                + ", \"metrics\": {\"flow\": 2.5}, \"messageId\": \"outage-1\"}";

        SharedInfra.kafka().kill();
        try {
            TelemetryResourceTest.post(TOKEN, withId)
                    .statusCode(503)
                    .header("Retry-After", "7")
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:fleetstream:problem:unavailable"))
                    .body("detail", containsString("again"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
            TelemetryResourceTest.post(TOKEN, READING)
                    .statusCode(503)
                    .header("Retry-After", "7")
                    .body("detail", containsString("Kafka is unreachable; nothing was written"));
        } finally {
            SharedInfra.kafka().restart();
        }

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        // The failed send released the messageId, so the retry writes the reading instead of calling it a duplicate.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(TOKEN, withId)
                .statusCode(202)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(0)));
        TelemetryResourceTest.post(TOKEN, withId)
                .statusCode(202)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(1));
    }
}
