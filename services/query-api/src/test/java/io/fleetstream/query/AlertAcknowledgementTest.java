package io.fleetstream.query;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fleetstream.query.Access.viewer;
import static io.fleetstream.query.Access.with;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Operator authentication by API key, alert states, acknowledgement and its audit trail. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.TOPICS, value = QueryApiTest.TOPICS))
class AlertAcknowledgementTest {

    private static final TelemetryFixture DB = new TelemetryFixture();

    @BeforeAll
    static void loadFixture() {
        DB.reset();
        DB.alert("st-open", "dev-states", "rule-a", "WARNING", Instant.parse("2024-05-01T10:00:00Z"), null);
        DB.alert("st-acked", "dev-states", "rule-a", "WARNING", Instant.parse("2024-05-01T11:00:00Z"), null);
        DB.alert(
                "st-cleared",
                "dev-states",
                "rule-a",
                "WARNING",
                Instant.parse("2024-05-01T12:00:00Z"),
                Instant.parse("2024-05-01T12:30:00Z"));
        DB.alert(
                "st-cleared-acked",
                "dev-states",
                "rule-b",
                "CRITICAL",
                Instant.parse("2024-05-01T13:00:00Z"),
                Instant.parse("2024-05-01T13:10:00Z"),
                "RATE_OF_CHANGE",
                "RULE_DELETED");
        DB.alert("ack-twice", "dev-ack", "rule-a", "CRITICAL", Instant.parse("2024-05-02T10:00:00Z"), null);
        DB.alert(
                "ack-cleared",
                "dev-ack",
                "rule-a",
                "CRITICAL",
                Instant.parse("2024-05-02T11:00:00Z"),
                Instant.parse("2024-05-02T11:05:00Z"));
        DB.alert("ack-viewer", "dev-ack", "rule-a", "INFO", Instant.parse("2024-05-02T12:00:00Z"), null);
        DB.alert("ack-body", "dev-ack", "rule-a", "INFO", Instant.parse("2024-05-02T13:00:00Z"), null);
    }

    private static boolean acknowledged;

    /** RestAssured knows the test port only once a test instance exists, so HTTP setup happens here, once. */
    @BeforeEach
    void keysLoadedAndFixtureAcknowledged() {
        Access.keysLoaded();
        if (!acknowledged) {
            with(OperatorKeyFixture.OPERATOR)
                    .post("/v1/alerts/st-acked/acknowledge")
                    .then()
                    .statusCode(201);
            with(OperatorKeyFixture.ADMIN)
                    .post("/v1/alerts/st-cleared-acked/acknowledge")
                    .then()
                    .statusCode(201);
            acknowledged = true;
        }
    }

    @Test
    void refusesRequestWithoutKeyWith401AndBearerChallenge() {
        given().get("/v1/alerts")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Basic dXNlcjpwYXNz")
                .get("/v1/devices/dev/latest")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void refusesUnknownExpiredRevokedReplacedAndDeletedKeysWithoutEchoingThem() {
        Map<String, String> expected = Map.of(
                "no-such-key-4471",
                "not a known operator key",
                OperatorKeyFixture.EXPIRED,
                "expired",
                OperatorKeyFixture.REVOKED,
                "revoked",
                OperatorKeyFixture.ROTATED_OLD,
                "not a known operator key",
                OperatorKeyFixture.DELETED,
                "not a known operator key");
        expected.forEach((key, reason) -> {
            Response response = with(key).get("/v1/stats");
            assertThat(response.statusCode()).as(reason).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(response.jsonPath().getString("detail")).contains(reason);
            assertThat(response.asString()).doesNotContain(key);
        });
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("fleetstream_query_auth_refused_total{reason=\"revoked\"}");
        for (String key : expected.keySet()) {
            assertThat(metrics).doesNotContain(key);
        }
    }

    @Test
    void viewerReadsButAcknowledgingNeedsOperator() {
        viewer().get("/v1/alerts/ack-viewer").then().statusCode(200);
        viewer().post("/v1/alerts/ack-viewer/acknowledge")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("OPERATOR"));
        viewer().get("/v1/alerts/ack-viewer").then().body("alert.state", equalTo("open"));
    }

    @Test
    void healthMetricsAndOpenApiNeedNoKey() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        String openApi = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(openApi).contains("\"scheme\" : \"bearer\"", "/v1/alerts/{alertId}/acknowledge", "operatorKey");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void acknowledgingTwiceReturnsTheFirstAcknowledgementAndAuditsOnce() {
        JsonPath first = with(OperatorKeyFixture.OPERATOR)
                .contentType("application/json")
                .body("{\"note\": \"pump checked\"}")
                .post("/v1/alerts/ack-twice/acknowledge")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(first.getString("state")).isEqualTo("acknowledged");
        assertThat(first.getMap("acknowledgement"))
                .containsEntry("keyId", "key-operator")
                .containsEntry("keyName", "Otto Operator")
                .containsEntry("note", "pump checked");

        JsonPath second = with(OperatorKeyFixture.ADMIN)
                .contentType("application/json")
                .body("{\"note\": \"again\"}")
                .post("/v1/alerts/ack-twice/acknowledge")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(second.getMap("acknowledgement")).isEqualTo(first.getMap("acknowledgement"));

        assertThat(DB.rows("SELECT key_id, key_name, role, action, detail->>'note', detail->>'stateBefore'"
                        + " FROM query.audit_log WHERE target = 'ack-twice'"))
                .containsExactly(List.of(
                        "key-operator", "Otto Operator", "OPERATOR", "alert.acknowledge", "pump checked", "open"));
    }

    @Test
    void acknowledgingUnknownAlertIs404() {
        with(OperatorKeyFixture.OPERATOR)
                .post("/v1/alerts/no-such-alert/acknowledge")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no-such-alert"));
        assertThat(DB.rows("SELECT count(*) FROM query.alert_acknowledgements WHERE alert_id = 'no-such-alert'"))
                .containsExactly(List.of(0L));
    }

    @Test
    void acknowledgingClearedAlertIsRecordedAndItStaysCleared() {
        with(OperatorKeyFixture.ADMIN)
                .post("/v1/alerts/ack-cleared/acknowledge")
                .then()
                .statusCode(201)
                .body("state", equalTo("cleared"))
                .body("acknowledgement.keyId", equalTo("key-admin"))
                .body("acknowledgement.note", nullValue());
    }

    @Test
    void refusesAcknowledgementBodiesThatAreNotANote() {
        with(OperatorKeyFixture.OPERATOR)
                .contentType("application/json")
                .body("{\"note\": 42}")
                .post("/v1/alerts/ack-body/acknowledge")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("note"));
        with(OperatorKeyFixture.OPERATOR)
                .contentType("application/json")
                .body("not json")
                .post("/v1/alerts/ack-body/acknowledge")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("body"));
        with(OperatorKeyFixture.OPERATOR)
                .contentType("application/json")
                .body("{\"note\": \"" + "x".repeat(1001) + "\"}")
                .post("/v1/alerts/ack-body/acknowledge")
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("at most 1000"));
        viewer().get("/v1/alerts/ack-body").then().body("alert.state", equalTo("open"));
    }

    @Test
    void filtersByStateWhereClearedWinsOverAcknowledged() {
        assertThat(ids("open")).containsExactly("st-open");
        assertThat(ids("acknowledged")).containsExactly("st-acked");
        assertThat(ids("cleared")).containsExactly("st-cleared-acked", "st-cleared");
        assertThat(ids("open", "acknowledged")).containsExactly("st-acked", "st-open");
        assertThat(ids()).containsExactly("st-cleared-acked", "st-cleared", "st-acked", "st-open");

        JsonPath page = viewer().queryParam("deviceId", "dev-states")
                .queryParam("ruleId", "rule-b")
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(page.getString("items[0].state")).isEqualTo("cleared");
        assertThat(page.getString("items[0].ruleKind")).isEqualTo("RATE_OF_CHANGE");
        assertThat(page.getString("items[0].cause")).isEqualTo("RULE_DELETED");
        assertThat(page.getString("items[0].acknowledgement.keyName")).isEqualTo("Ada Admin");
    }

    @Test
    void showsOneAlertWithItsEvents() {
        viewer().get("/v1/alerts/st-cleared-acked")
                .then()
                .statusCode(200)
                .body("alert.alertId", equalTo("st-cleared-acked"))
                .body("alert.clearedAt", equalTo("2024-05-01T13:10:00Z"))
                .body("events.state", org.hamcrest.Matchers.contains("RAISED", "CLEARED"))
                .body("events[1].cause", equalTo("RULE_DELETED"))
                .body("events[0].eventTime", equalTo("2024-05-01T13:00:00Z"));
        viewer().get("/v1/alerts/unknown-alert").then().statusCode(404);
    }

    private static List<String> ids(String... states) {
        var request = viewer().queryParam("deviceId", "dev-states");
        for (String state : states) {
            request.queryParam("state", state);
        }
        return request.get("/v1/alerts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.alertId");
    }
}
