package io.fleetstream.gateway.http;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.DeviceDirectory;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.Charset;
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
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class TelemetryResourceTest {

    static final String DEVICE = "pump-17";
    static final String TOKEN = "tok-pump-17-7b6f0c2e9a4d4e1f8c3a5b2d1e0f9a8b";
    private static final String REVOKED_TOKEN = "tok-revoked-0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a";
    private static final String EXPIRED_TOKEN = "tok-expired-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
    private static final String DELETED_TOKEN = "tok-deleted-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b";
    private static final Instant TS = Instant.parse("2025-03-01T12:00:00Z");
    private static final long TS_MS = TS.toEpochMilli();
    private static boolean credentialsPublished;

    @Inject
    CredentialCache credentials;

    @Inject
    DeviceDirectory devices;

    @BeforeEach
    void publishCredentials() {
        if (credentialsPublished) {
            return;
        }
        Instant past = Instant.parse("2024-06-01T00:00:00Z");
        GatewayKafka.publishDevice(DEVICE, DeviceState.ACTIVE);
        GatewayKafka.publishDevice("pump-18", DeviceState.ACTIVE);
        GatewayKafka.publishDevice("pump-19", DeviceState.ACTIVE);
        GatewayKafka.publishDevice("pump-20", DeviceState.ACTIVE);
        GatewayKafka.publishDevice("pump-21", DeviceState.ACTIVE);
        GatewayKafka.publishCredential("cred-pump-17", DEVICE, TOKEN, null, null);
        GatewayKafka.publishCredential("cred-revoked", "pump-18", REVOKED_TOKEN, null, past);
        GatewayKafka.publishCredential("cred-expired", "pump-19", EXPIRED_TOKEN, past, null);
        awaitKnown(TOKEN, REVOKED_TOKEN, EXPIRED_TOKEN);
        await().atMost(Duration.ofSeconds(30)).until(() -> devices.state("pump-21") == DeviceState.ACTIVE);
        credentialsPublished = true;
    }

    private void awaitKnown(String... tokens) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String token : tokens) {
                assertThat(credentials.find(TokenHash.of(token))).isPresent();
            }
        });
    }

    static ValidatableResponse post(String token, String body) {
        return given().header("Authorization", "Bearer " + token)
                .contentType(ContentType.JSON)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/v1/telemetry")
                .then();
    }

    @Test
    void acceptsSingleReadingAndWritesItKeyedByDeviceWithItsTimestamp() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(
                        TOKEN,
                        "{\"ts\": " + TS_MS + ", \"metrics\": {\"temperature\": 21.5, \"pressure\": 1013},"
                                + " \"messageId\": \"m-0001\", \"attributes\": {\"firmware\": \"1.4.2\"}}")
                .statusCode(202)
                .contentType(ContentType.JSON)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(0));

        List<GatewayKafka.Written> written = GatewayKafka.rawSince(before);
        assertThat(written).hasSize(1);
        GatewayKafka.Written record = written.get(0);
        assertThat(record.key()).isEqualTo(DEVICE);
        assertThat(record.timestamp()).isEqualTo(TS_MS);
        TelemetryReading reading = record.reading();
        assertThat(reading.getDeviceId()).isEqualTo(DEVICE);
        assertThat(reading.getTs()).isEqualTo(TS);
        assertThat(reading.getMetrics()).isEqualTo(Map.of("temperature", 21.5, "pressure", 1013.0));
        assertThat(reading.getMessageId()).isEqualTo("m-0001");
        assertThat(reading.getAttributes()).isEqualTo(Map.of("firmware", "1.4.2"));
    }

    @Test
    void acceptsArrayOfReadingsInOrder() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(
                        TOKEN,
                        "[{\"ts\": " + TS_MS + ", \"metrics\": {\"level\": 1}}, {\"ts\": " + (TS_MS + 1000)
                                + ", \"metrics\": {\"level\": 2}}, {\"ts\": " + (TS_MS + 2000)
                                + ", \"metrics\": {\"level\": 3}}]")
                .statusCode(202)
                .body("accepted", equalTo(3));

        List<GatewayKafka.Written> written = GatewayKafka.rawSince(before);
        assertThat(written).extracting(GatewayKafka.Written::key).containsOnly(DEVICE);
        assertThat(written)
                .extracting(GatewayKafka.Written::timestamp)
                .containsExactly(TS_MS, TS_MS + 1000, TS_MS + 2000);
        assertThat(written)
                .extracting(w -> w.reading().getMetrics().get("level"))
                .containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void convertsRfc3339TimestampWithOffsetToUtc() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(TOKEN, "{\"ts\": \"2025-03-01T20:00:00.250+08:00\", \"metrics\": {\"level\": 4}}")
                .statusCode(202);

        List<GatewayKafka.Written> written = GatewayKafka.rawSince(before);
        assertThat(written).hasSize(1);
        assertThat(written.get(0).reading().getTs()).isEqualTo(Instant.parse("2025-03-01T12:00:00.250Z"));
        assertThat(written.get(0).timestamp())
                .isEqualTo(Instant.parse("2025-03-01T12:00:00.250Z").toEpochMilli());
    }

    @Test
    void defaultsTsToTimeOfReceipt() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();
        long sentAfter = System.currentTimeMillis();

        post(TOKEN, "{\"metrics\": {\"level\": 5}}").statusCode(202);

        long answeredBefore = System.currentTimeMillis();
        TelemetryReading reading = GatewayKafka.rawSince(before).get(0).reading();
        assertThat(reading.getTs()).isEqualTo(reading.getReceivedAt());
        assertThat(reading.getTs().toEpochMilli()).isBetween(sentAfter, answeredBefore);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ts in seconds|\"ts\": 1740830400, \"metrics\": {\"a\": 1}|ts|epoch seconds",
                "fractional ts|\"ts\": 1740830400000.5, \"metrics\": {\"a\": 1}|ts|not an integer",
                "negative ts|\"ts\": -1740830400000, \"metrics\": {\"a\": 1}|ts|negative",
                "future ts|\"ts\": 4102444800000, \"metrics\": {\"a\": 1}|ts|ahead of the gateway clock",
                "ts older than max-age|\"ts\": 86400000, \"metrics\": {\"a\": 1}|ts|older than 20000d",
                "ts without offset|\"ts\": \"2025-03-01T12:00:00\", \"metrics\": {\"a\": 1}|ts|no UTC offset",
                "string value|\"metrics\": {\"a\": \"21.5\"}|metrics.a|without quotes",
                "boolean value|\"metrics\": {\"a\": true}|metrics.a|boolean",
                "object value|\"metrics\": {\"a\": {\"b\": 1}}|metrics.a|flatten",
                "array value|\"metrics\": {\"a\": [1]}|metrics.a|flatten",
                "null value|\"metrics\": {\"a\": null}|metrics.a|null",
                "NaN|\"metrics\": {\"a\": NaN}|metrics.a|NaN",
                "Infinity|\"metrics\": {\"a\": Infinity}|metrics.a|finite",
                "overflow|\"metrics\": {\"a\": 1e400}|metrics.a|beyond the range of a double",
                "inexact integer|\"metrics\": {\"a\": 9007199254740993}|metrics.a|cannot hold it exactly",
                "empty metrics|\"metrics\": {}|metrics|empty",
                "missing metrics|\"ts\": 1740830400000|metrics|required",
                "bad metric name|\"metrics\": {\"temp °C\": 1}|metrics.temp °C|A-Z a-z 0-9",
                "long metric name|\"metrics\": {\"m1234567890123456789012345678901234567890"
                        + "1234567890123456789012345\": 1}"
                        + "|metrics.m12345678901234567890123456789012345678901234567890123456789012345|at most 64",
                "non-string attribute|\"metrics\": {\"a\": 1}, \"attributes\": {\"rev\": 3}|attributes.rev|\"3\"",
                "unknown field|\"metrics\": {\"a\": 1}, \"timestamp\": 1740830400000|timestamp|did you mean ts?",
            })
    void rejectsInvalidReadingAndWritesNothing(String rule, String reading, String field, String hint) {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(TOKEN, "[{\"ts\": " + TS_MS + ", \"metrics\": {\"ok\": 1}}, {" + reading + "}]")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", equalTo("urn:fleetstream:problem:invalid-readings"))
                .body("title", not(nullValue()))
                .body("detail", containsString("nothing was written"))
                .body("errors", hasSize(1))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", containsString(hint));

        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void rejectsMessageIdLongerThan128Characters() {
        post(TOKEN, "{\"metrics\": {\"a\": 1}, \"messageId\": \"" + "m".repeat(129) + "\"}")
                .statusCode(400)
                .body("errors[0].field", equalTo("messageId"))
                .body("errors[0].message", containsString("1 to 128 characters"));
    }

    @Test
    void rejectsTooManyMetricsInOneReading() {
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            metrics.append(i == 0 ? "" : ", ")
                    .append("\"m")
                    .append(i)
                    .append("\": ")
                    .append(i);
        }

        post(TOKEN, "{\"metrics\": {" + metrics + "}}")
                .statusCode(400)
                .body("errors[0].index", equalTo(0))
                .body("errors[0].field", equalTo("metrics"))
                .body("errors[0].message", containsString("at most 100"));
    }

    @Test
    void listsEveryErrorOfTheRequest() {
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(
                        TOKEN,
                        "[{\"ts\": 1740830400, \"metrics\": {\"a\": \"x\"}}, {\"metrics\": {\"ok\": 1}},"
                                + " {\"metrics\": {}}]")
                .statusCode(400)
                .body("errors", hasSize(3))
                .body("errors.index", equalTo(List.of(0, 0, 2)))
                .body("errors.field", equalTo(List.of("ts", "metrics.a", "metrics")));

        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void rejectsMalformedJson() {
        post(TOKEN, "{\"metrics\": {\"a\": 1}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fleetstream:problem:malformed-json"))
                .body("detail", containsString("line 1"));
    }

    @Test
    void explainsNonStandardJsonWithoutNamingTheParsersSettings() {
        post(TOKEN, "{\"metrics\": {\"a\": +1}}")
                .statusCode(400)
                .body("detail", containsString("plus signs"))
                .body("detail", not(containsString("enable")))
                .body("detail", not(containsString("JsonReadFeature")));
        post(TOKEN, "{\"metrics\": {\"a\": 1}} // sent by pump 7")
                .statusCode(400)
                .body("detail", containsString("JSON has no comments"))
                .body("detail", not(containsString("ALLOW_COMMENTS")));
    }

    @Test
    void rejectsMoreReadingsThanTheLimit() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            body.append(i == 0 ? "" : ",").append("{\"ts\": ").append(TS_MS + i).append(", \"metrics\": {\"a\": 1}}");
        }
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        post(TOKEN, body.append("]").toString())
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 1000"));

        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void rejectsBodyLargerThanTheLimit() {
        String body = "{\"metrics\": {\"a\": 1}, \"attributes\": {\"blob\": \"" + "x".repeat(1_100_000) + "\"}}";

        post(TOKEN, body)
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 1048576 bytes"));
    }

    @Test
    void rejectsBodyThatIsNotJson() {
        given().header("Authorization", "Bearer " + TOKEN)
                .contentType(ContentType.TEXT)
                .body("temperature=21.5")
                .post("/v1/telemetry")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("detail", containsString("application/json"));
    }

    @Test
    void rejectsJsonInUtf16OrUtf32EvenWithoutAByteOrderMark() {
        String json = "{\"metrics\": {\"a\": 1}}";
        for (Charset charset : new Charset[] {
            StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16, Charset.forName("UTF-32LE")
        }) {
            given().header("Authorization", "Bearer " + TOKEN)
                    .contentType(ContentType.JSON)
                    .body(json.getBytes(charset))
                    .post("/v1/telemetry")
                    .then()
                    .statusCode(415)
                    .contentType("application/problem+json")
                    .body("detail", containsString("JSON must be UTF-8"));
        }
    }

    @Test
    void rejectsRequestWithoutCredential() {
        given().contentType(ContentType.JSON)
                .body("{\"metrics\": {\"a\": 1}}")
                .post("/v1/telemetry")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"fleetstream\"")
                .contentType("application/problem+json")
                .body("detail", containsString("Authorization: Bearer"));
    }

    @ParameterizedTest
    @CsvSource({
        "tok-never-issued-00000000000000000000000000000000, not a known device credential",
        "tok-revoked-0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a, revoked",
        "tok-expired-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d, expired"
    })
    void rejectsUnknownRevokedAndExpiredCredentials(String token, String hint) {
        String body = post(token, "{\"metrics\": {\"a\": 1}}")
                .statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("detail", containsString(hint))
                .extract()
                .asString();

        assertThat(body).doesNotContain(token);
    }

    @Test
    void forgetsCredentialDeletedByTombstone() {
        GatewayKafka.publishCredential("cred-deleted", "pump-20", DELETED_TOKEN, null, null);
        awaitKnown(DELETED_TOKEN);
        post(DELETED_TOKEN, "{\"ts\": " + TS_MS + ", \"metrics\": {\"a\": 1}}").statusCode(202);

        GatewayKafka.publishRaw(Topics.REGISTRY_CREDENTIALS, "cred-deleted", null);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(credentials.find(TokenHash.of(DELETED_TOKEN)))
                        .isEmpty());
        post(DELETED_TOKEN, "{\"ts\": " + TS_MS + ", \"metrics\": {\"a\": 1}}").statusCode(401);
    }

    @Test
    void skipsUndecodableCredentialRecordAndKeepsReading() {
        GatewayKafka.publishRaw(
                Topics.REGISTRY_CREDENTIALS, "cred-garbage", "not avro".getBytes(StandardCharsets.UTF_8));
        String token = "tok-after-garbage-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
        GatewayKafka.publishCredential("cred-after-garbage", "pump-21", token, null, null);

        awaitKnown(token);
        post(token, "{\"ts\": " + TS_MS + ", \"metrics\": {\"a\": 1}}").statusCode(202);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString(
                        "fleetstream_gateway_changelog_records_skipped_total{topic=\"fleet.registry.credentials\"}"));
    }

    @Test
    void reportsReadyAndExposesMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        post(TOKEN, "{\"ts\": " + TS_MS + ", \"metrics\": {\"a\": 1}}").statusCode(202);
        post(TOKEN, "{\"ts\": 1740830400, \"metrics\": {\"a\": 1}}").statusCode(400);

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .containsPattern("fleetstream_gateway_credentials(\\{[^}]*})? [1-9]")
                .containsPattern("fleetstream_gateway_readings_total\\{[^}]*outcome=\"accepted\"[^}]*} [1-9]")
                .containsPattern("fleetstream_gateway_readings_total\\{[^}]*outcome=\"invalid\","
                        + "reason=\"invalid_timestamp\"[^}]*} [1-9]")
                .containsPattern(
                        "fleetstream_gateway_rejections_total\\{[^}]*path=\"v1\",reason=\"invalid\"[^}]*} [1-9]")
                .contains("fleetstream_gateway_requests_seconds_bucket{path=\"v1\",status=\"202\"")
                .contains("fleetstream_gateway_requests_seconds_count")
                .doesNotContain(TOKEN);
    }
}
