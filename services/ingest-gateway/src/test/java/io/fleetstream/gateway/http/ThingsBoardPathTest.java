package io.fleetstream.gateway.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.DeviceState;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The ThingsBoard-compatible path {@code POST /api/v1/{token}/telemetry}. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class ThingsBoardPathTest {

    private static final String DEVICE = "tb-meter-1";
    private static final String TOKEN = "tbTok3nA1b2C3d4E5f6G7h8I9j0K1l2M3";
    private static final String SUSPENDED_TOKEN = "tbTok3nSuspended9z8y7x6w5v4u3t2s1";
    private static final long TS_MS = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
    private static boolean published;

    @BeforeEach
    void publishDevices() {
        if (published) {
            return;
        }
        GatewayKafka.publishActiveDevice("cred-tb-1", DEVICE, TOKEN);
        GatewayKafka.publishDevice("tb-meter-2", DeviceState.SUSPENDED);
        GatewayKafka.publishCredential("cred-tb-2", "tb-meter-2", SUSPENDED_TOKEN, null, null);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> post(TOKEN, "{\"warmup\": 1}").statusCode(202));
        published = true;
    }

    static ValidatableResponse post(String token, String body) {
        return given().contentType(ContentType.JSON)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/" + token + "/telemetry")
                .then();
    }

    @Test
    void writesFlatObjectDatedAtReceipt() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();
        long sentAfter = System.currentTimeMillis();

        post(TOKEN, "{\"temperature\": 21.5, \"humidity\": 40}")
                .statusCode(202)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(0));

        List<GatewayKafka.Written> written = GatewayKafka.rawSince(before);
        assertThat(written).hasSize(1);
        assertThat(written.get(0).key()).isEqualTo(DEVICE);
        assertThat(written.get(0).reading().getMetrics()).isEqualTo(Map.of("temperature", 21.5, "humidity", 40.0));
        assertThat(written.get(0).reading().getTs().toEpochMilli()).isBetween(sentAfter, System.currentTimeMillis());
    }

    @Test
    void writesTsValuesObjectAndArrayOfThem() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(TOKEN, "{\"ts\": " + TS_MS + ", \"values\": {\"energy\": 10}}").statusCode(202);
        post(
                        TOKEN,
                        "[{\"ts\": " + (TS_MS + 1000) + ", \"values\": {\"energy\": 11}}, {\"ts\": " + (TS_MS + 2000)
                                + ", \"values\": {\"energy\": 12}}]")
                .statusCode(202)
                .body("accepted", equalTo(2));

        assertThat(GatewayKafka.rawSince(before))
                .extracting(
                        GatewayKafka.Written::timestamp,
                        w -> w.reading().getMetrics().get("energy"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TS_MS, 10.0),
                        org.assertj.core.groups.Tuple.tuple(TS_MS + 1000, 11.0),
                        org.assertj.core.groups.Tuple.tuple(TS_MS + 2000, 12.0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "string value|{\"state\": \"on\"}|state|only numbers",
                "boolean value|{\"active\": true}|active|only numbers",
                "json value|{\"ts\": 1740830400000, \"values\": {\"pos\": {\"lat\": 1}}}|values.pos|only numbers",
                "ts in seconds|{\"ts\": 1740830400, \"values\": {\"a\": 1}}|ts|epoch seconds",
                "empty values|{\"ts\": 1740830400000, \"values\": {}}|values|empty",
            })
    void refusesWhatThingsBoardAcceptsButWeDoNot(String rule, String body, String field, String hint) {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(TOKEN, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].index", equalTo(0))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", containsString(hint));

        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void refusesUnknownTokenWith401WithoutEchoingIt() {
        String unknown = "tbNeverIssued0000000000000000000000";
        String body = post(unknown, "{\"a\": 1}")
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .contentType("application/problem+json")
                .extract()
                .asString();

        assertThat(body).doesNotContain(unknown);
    }

    @Test
    void refusesSuspendedDeviceWith403() {
        post(SUSPENDED_TOKEN, "{\"a\": 1}")
                .statusCode(403)
                .body("detail", containsString("suspended"))
                .body("detail", org.hamcrest.Matchers.not(containsString(SUSPENDED_TOKEN)));
    }

    @Test
    void refusesBodyThatIsNotJsonWith415() {
        given().contentType(ContentType.TEXT)
                .body("a=1")
                .post("/api/v1/" + TOKEN + "/telemetry")
                .then()
                .statusCode(415);
    }

    @Test
    void keepsTheTokenOutOfMetrics() {
        post(TOKEN, "{\"a\": 1}").statusCode(202);
        post(TOKEN, "{\"a\": \"x\"}").statusCode(400);

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .doesNotContain(TOKEN)
                .containsPattern("fleetstream_gateway_rejections_total\\{[^}]*path=\"thingsboard\",reason=\"invalid\""
                        + "[^}]*} [1-9]")
                .contains("fleetstream_gateway_requests_seconds_bucket{path=\"thingsboard\",status=\"202\"");
    }
}
