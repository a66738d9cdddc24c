package io.fleetstream.gateway.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-device token bucket at its default size (1000 readings per second, bursts of 5000): batches of 1000
 * readings sent back to back drain it faster than it refills, unless each took a second, so within ten of them one is
 * refused. (A test profile with a smaller bucket would restart Quarkus and, with it, the shared broker, which the
 * outage test has killed once already; that restart proved fragile.)
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class RateLimitTest {

    private static final String TOKEN = "tok-limited-7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a21";
    private static final String OTHER_TOKEN = "tok-limited-other-1a2b3c4d5e6f708192a3b4c5d6e";
    private static final long TS_MS = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();

    private static String batch(int readings, long firstTs) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < readings; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"ts\": ")
                    .append(firstTs + i)
                    .append(", \"metrics\": {\"a\": 1}}");
        }
        return body.append("]").toString();
    }

    @Test
    void refusesReadingsOverTheLimitWith429AndRetryAfterAndWritesNothingOfThem() {
        GatewayKafka.publishActiveDevice("cred-limited", "limited-1", TOKEN);
        GatewayKafka.publishActiveDevice("cred-limited-other", "limited-2", OTHER_TOKEN);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TelemetryResourceTest.post(TOKEN, batch(1, TS_MS)).statusCode(202);
            TelemetryResourceTest.post(OTHER_TOKEN, batch(1, TS_MS)).statusCode(202);
        });

        ExtractableResponse<Response> limited = null;
        Map<TopicPartition, Long> before = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            before = GatewayKafka.rawEndOffsets();
            ExtractableResponse<Response> answer = TelemetryResourceTest.post(TOKEN, batch(1000, TS_MS + i * 1000L))
                    .extract();
            if (answer.statusCode() == 429) {
                limited = answer;
            } else {
                assertThat(answer.statusCode()).isEqualTo(202);
            }
        }

        assertThat(limited).as("a 429 within ten batches of 1000").isNotNull();
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.path("type").toString()).isEqualTo("urn:fleetstream:problem:rate-limited");
        assertThat(limited.path("detail").toString())
                .contains("may send 1000 readings per second with bursts of up to 5000");
        // 1000 readings at 1000 per second are never more than a second away.
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
        TelemetryResourceTest.post(OTHER_TOKEN, batch(1000, TS_MS)).statusCode(202);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> TelemetryResourceTest.post(TOKEN, batch(1000, TS_MS + 20_000))
                        .statusCode(202));
        assertThat(given().get("/q/metrics").then().extract().asString())
                .containsPattern("fleetstream_gateway_rejections_total\\{path=\"v1\",reason=\"rate_limited\"} [1-9]");
    }
}
