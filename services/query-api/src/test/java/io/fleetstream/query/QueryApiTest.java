package io.fleetstream.query;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.query.Access.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.TOPICS, value = QueryApiTest.TOPICS))
class QueryApiTest {

    /** The operator key changelog, compacted with one partition as the catalogue defines it. */
    static final String TOPICS = "fleet.registry.operator-keys:1:compact";

    private static final TelemetryFixture DB = new TelemetryFixture();
    private static final Instant START = Instant.parse("2024-01-31T22:00:00Z");
    private static final int PAGED_READINGS = 250;

    @BeforeAll
    static void loadFixture() {
        DB.reset();
        // 250 readings one minute apart across a month boundary, inserted newest first to show ordering is by ts.
        for (int i = PAGED_READINGS - 1; i >= 0; i--) {
            DB.reading("dev-page", "temp", START.plusSeconds(60L * i), i, START.plusSeconds(60L * i + 1));
        }
        DB.reading("dev-page", "hum", START, 50.0, START);
        DB.reading("dev-other", "temp", START, 99.0, START);

        // Latest: the newest ts is inserted first and was received earlier than an older reading.
        DB.reading(
                "dev-latest",
                "temp",
                Instant.parse("2024-02-01T10:02:00Z"),
                22.0,
                Instant.parse("2024-02-01T10:02:01Z"));
        DB.reading(
                "dev-latest",
                "temp",
                Instant.parse("2024-02-01T10:00:00Z"),
                20.0,
                Instant.parse("2024-02-01T10:09:00Z"));
        DB.reading(
                "dev-latest",
                "hum",
                Instant.parse("2024-02-01T09:00:00Z"),
                40.0,
                Instant.parse("2024-02-01T09:00:00Z"));

        DB.aggregate("dev-agg", "temp", 60, Instant.parse("2024-02-01T10:01:00Z"), 3, 30.0);
        DB.aggregate("dev-agg", "temp", 60, Instant.parse("2024-02-01T10:00:00Z"), 2, 10.0);
        DB.aggregate("dev-agg", "temp", 3600, Instant.parse("2024-02-01T10:00:00Z"), 5, 40.0);
        DB.aggregate("dev-agg", "hum", 60, Instant.parse("2024-02-01T10:00:00Z"), 1, 5.0);

        Instant tie = Instant.parse("2024-02-02T12:00:00Z");
        DB.alert("alert-1", "dev-a", "rule-hot", "CRITICAL", Instant.parse("2024-02-02T10:00:00Z"), null);
        DB.alert("alert-3", "dev-a", "rule-hot", "WARNING", tie, Instant.parse("2024-02-02T13:00:00Z"));
        DB.alert("alert-2", "dev-b", "rule-cold", "CRITICAL", tie, null);
        DB.alert("alert-4", "dev-b", "rule-hot", "INFO", Instant.parse("2024-02-02T14:00:00Z"), null);
    }

    /** RestAssured knows the test port only once a test instance exists, so the key wait happens here. */
    @BeforeEach
    void keysLoaded() {
        Access.keysLoaded();
    }

    @Test
    void pagesReadingsAcrossPagesExactlyOnceInOrder() {
        List<String> seen = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        String cursor = null;
        do {
            var request = viewer().queryParam("metric", "temp").queryParam("limit", 100);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/devices/dev-page/readings")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            seen.addAll(page.getList("items.ts"));
            hasMore.add(page.getBoolean("hasMore"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < PAGED_READINGS; i++) {
            expected.add(START.plusSeconds(60L * i).toString());
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(hasMore).containsExactly(true, true, false);
    }

    @Test
    void refusesAReadingsCursorReusedForAnotherMetric() {
        String cursor = firstReadingCursor(viewer().queryParam("metric", "temp"));
        viewer().queryParam("metric", "other")
                .queryParam("cursor", cursor)
                .get("/v1/devices/dev-page/readings")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void refusesAReadingsCursorReusedForAnotherTimeRange() {
        String cursor = firstReadingCursor(viewer().queryParam("metric", "temp").queryParam("from", START.toString()));
        // The same instant as epoch milliseconds is the same range, so the cursor still continues it.
        viewer().queryParam("metric", "temp")
                .queryParam("from", START.toEpochMilli())
                .queryParam("limit", 1)
                .queryParam("cursor", cursor)
                .get("/v1/devices/dev-page/readings")
                .then()
                .statusCode(200)
                .body("items[0].ts", equalTo(START.plusSeconds(60).toString()));
        viewer().queryParam("metric", "temp")
                .queryParam("from", START.plusSeconds(3600).toString())
                .queryParam("cursor", cursor)
                .get("/v1/devices/dev-page/readings")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:fleetstream:problem:invalid-request"))
                .body("errors[0].field", equalTo("cursor"))
                .body("errors[0].message", containsString("same deviceId, metric, from, to"));
    }

    @Test
    void refusesAnAlertsCursorReusedWithOtherFilters() {
        String cursor = viewer().queryParam("ruleId", "rule-hot")
                .queryParam("state", "open")
                .queryParam("state", "cleared")
                .queryParam("limit", 1)
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items.alertId", equalTo(List.of("alert-4")))
                .extract()
                .path("nextCursor");
        List<Map<String, Object>> others = List.of(
                Map.of("ruleId", "rule-cold", "state", List.of("open", "cleared")),
                Map.of("ruleId", "rule-hot", "state", List.of("open")),
                Map.of("ruleId", "rule-hot", "state", List.of("open", "cleared"), "deviceId", "dev-a"),
                Map.of("ruleId", "rule-hot", "state", List.of("open", "cleared"), "severity", "CRITICAL"),
                Map.of("ruleId", "rule-hot", "state", List.of("open", "cleared"), "from", "2024-02-02T00:00:00Z"),
                Map.of("ruleId", "rule-hot", "state", List.of("open", "cleared"), "to", "2024-02-03T00:00:00Z"));
        for (Map<String, Object> filters : others) {
            viewer().queryParams(filters)
                    .queryParam("cursor", cursor)
                    .get("/v1/alerts")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:fleetstream:problem:invalid-request"))
                    .body("errors[0].field", equalTo("cursor"))
                    .body("errors[0].message", containsString("same deviceId, ruleId, severity, state, from, to"))
                    .body("errors[0].message", containsString("omit cursor to start again"));
        }
        // The same filters spelt differently (states in another order, in one parameter) continue the list.
        viewer().queryParam("ruleId", "rule-hot")
                .queryParam("state", "cleared,open")
                .queryParam("cursor", cursor)
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items.alertId", equalTo(List.of("alert-3", "alert-1")));
    }

    @Test
    void refusesTheNulCharacterInPathOrQueryWithAProblemNotAServerError() {
        for (String path : List.of("/v1/devices/a%00b/latest", "/v1/devices/dev-page/readings?metric=temp%00")) {
            viewer().urlEncodingEnabled(false)
                    .get(path)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("NUL"));
        }
    }

    @Test
    void readingsRangeIsFromInclusiveToExclusiveInEitherTimeFormat() {
        JsonPath page = viewer().queryParam("metric", "temp")
                .queryParam("from", "2024-01-31T23:00:00+01:00")
                .queryParam(
                        "to",
                        String.valueOf(Instant.parse("2024-01-31T22:03:00Z").toEpochMilli()))
                .get("/v1/devices/dev-page/readings")
                .then()
                .statusCode(200)
                .body("hasMore", equalTo(false))
                .body("nextCursor", nullValue())
                .extract()
                .jsonPath();
        assertThat(page.getList("items.ts"))
                .containsExactly("2024-01-31T22:00:00Z", "2024-01-31T22:01:00Z", "2024-01-31T22:02:00Z");
        assertThat(page.getList("items.value", Float.class)).containsExactly(0f, 1f, 2f);
    }

    @Test
    void latestPicksNewestTimestampNotLastReceived() {
        viewer().get("/v1/devices/dev-latest/latest")
                .then()
                .statusCode(200)
                .body("deviceId", equalTo("dev-latest"))
                .body("metrics.temp.ts", equalTo("2024-02-01T10:02:00Z"))
                .body("metrics.temp.value", equalTo(22.0f))
                .body("metrics.hum.ts", equalTo("2024-02-01T09:00:00Z"))
                .body("metrics.size()", equalTo(2));
    }

    @Test
    void latestIs404ForDeviceWithoutReadings() {
        viewer().get("/v1/devices/dev-unknown/latest")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", org.hamcrest.Matchers.containsString("dev-unknown"));
    }

    @Test
    void aggregatesStillAnswerTheEarlierWindowParameter() {
        JsonPath page = viewer().queryParam("metric", "temp")
                .queryParam("window", "1m")
                .get("/v1/devices/dev-agg/aggregates")
                .then()
                .statusCode(200)
                .body("hasMore", equalTo(false))
                .extract()
                .jsonPath();
        assertThat(page.getList("items.bucketStart")).containsExactly("2024-02-01T10:00:00Z", "2024-02-01T10:01:00Z");
        assertThat(page.getString("source")).isEqualTo("aggregates:1m");
        Map<String, Object> first = page.getMap("items[0]");
        assertThat(first)
                .containsEntry("bucketEnd", "2024-02-01T10:01:00Z")
                .containsEntry("count", 2)
                .containsEntry("sum", 10.0f)
                .containsEntry("avg", 5.0f);

        viewer().queryParam("metric", "temp")
                .queryParam("window", "1h")
                .get("/v1/devices/dev-agg/aggregates")
                .then()
                .statusCode(200)
                .body("source", equalTo("aggregates:1h"))
                .body("items.count", org.hamcrest.Matchers.contains(5))
                .body("items.bucketEnd", org.hamcrest.Matchers.contains("2024-02-01T11:00:00Z"));
    }

    @Test
    void alertsNewestFirstWithTiesByAlertIdAcrossPages() {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            var request = viewer().queryParam("limit", 1);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.get("/v1/alerts").then().statusCode(200).extract().jsonPath();
            ids.addAll(page.getList("items.alertId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(ids).containsExactly("alert-4", "alert-2", "alert-3", "alert-1");
    }

    @Test
    void filtersAlerts() {
        assertThat(alertIds(Map.of("deviceId", "dev-a"))).containsExactly("alert-3", "alert-1");
        assertThat(alertIds(Map.of("ruleId", "rule-hot"))).containsExactly("alert-4", "alert-3", "alert-1");
        assertThat(alertIds(Map.of("severity", "critical"))).containsExactly("alert-2", "alert-1");
        assertThat(alertIds(Map.of("state", "cleared"))).containsExactly("alert-3");
        assertThat(alertIds(Map.of("state", "open"))).containsExactly("alert-4", "alert-2", "alert-1");
        assertThat(alertIds(Map.of("from", "2024-02-02T11:00:00Z", "to", "2024-02-02T14:00:00Z")))
                .containsExactly("alert-2", "alert-3");

        viewer().queryParam("state", "cleared")
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items[0].state", equalTo("cleared"))
                .body("items[0].clearedAt", equalTo("2024-02-02T13:00:00Z"))
                .body("items[0].clearValue", equalTo(64.0f))
                .body("items[0].raiseValue", equalTo(81.5f))
                .body("items[0].ruleName", equalTo("rule rule-hot"))
                .body("items[0].deviceType", equalTo("thermostat"));
        viewer().queryParam("deviceId", "dev-b")
                .queryParam("state", "open")
                .get("/v1/alerts")
                .then()
                .body("items[0].clearedAt", nullValue())
                .body("items[0].state", equalTo("open"));
    }

    @Test
    void statsCountEverything() {
        viewer().get("/v1/stats")
                .then()
                .statusCode(200)
                .body("readings.total", equalTo(PAGED_READINGS + 5))
                .body("readings.byMetric.temp", equalTo(PAGED_READINGS + 3))
                .body("readings.byMetric.hum", equalTo(2))
                .body("aggregates.total", equalTo(4))
                .body("aggregates.byWindow.'1m'", equalTo(3))
                .body("aggregates.byWindow.'1h'", equalTo(1))
                .body("alerts.raised", equalTo(4))
                .body("alerts.cleared", equalTo(1))
                .body("alerts.open", equalTo(3))
                .body("alerts.byDevice.dev-a.raised", equalTo(2))
                .body("alerts.byDevice.dev-a.cleared", equalTo(1))
                .body("devices", equalTo(3));
    }

    @Test
    void rejectsBadParametersWithProblemsSayingHowToFixThem() {
        assertBadRequest(
                "/v1/devices/dev-page/readings?metric=temp&from=2024-02-02T00:00:00Z&to=2024-02-01T00:00:00Z",
                "from",
                "swap");
        assertBadRequest("/v1/devices/dev-page/readings?metric=temp&from=1706745600", "from", "epoch seconds");
        assertBadRequest("/v1/devices/dev-page/readings?metric=temp&to=yesterday", "to", "RFC 3339");
        assertBadRequest("/v1/devices/dev-page/readings?from=2024-02-01T00:00:00Z", "metric", "required");
        assertBadRequest("/v1/devices/dev-page/readings?metric=temp&limit=1001", "limit", "1000");
        assertBadRequest("/v1/devices/dev-page/readings?metric=temp&limit=0", "limit", "between 1 and 1000");
        assertBadRequest("/v1/devices/dev-page/readings?metric=temp&cursor=bm9wZQ", "cursor", "nextCursor");
        assertBadRequest("/v1/devices/dev-agg/aggregates?metric=temp&window=5x", "bucket", "1m, 5m, 15m, 1h, 1d");
        assertBadRequest("/v1/devices/dev-agg/aggregates?metric=temp&bucket=2h", "bucket", "1m, 5m, 15m, 1h, 1d");
        assertBadRequest("/v1/devices/dev-agg/aggregates?metric=temp", "bucket", "required");
        assertBadRequest("/v1/devices/dev-agg/aggregates?metric=temp&bucket=1d&tz=Mars/Olympus", "tz", "Europe/Berlin");
        assertBadRequest("/v1/devices/dev-agg/aggregates?metric=temp&bucket=1d&tz=%2B02:00", "tz", "no offsets");
        assertBadRequest("/v1/alerts?severity=urgent", "severity", "CRITICAL");
        assertBadRequest("/v1/alerts?state=closed", "state", "open, acknowledged or cleared");

        String readingsCursor = viewer().queryParam("metric", "temp")
                .queryParam("limit", 1)
                .get("/v1/devices/dev-page/readings")
                .then()
                .extract()
                .path("nextCursor");
        assertBadRequest("/v1/alerts?cursor=" + readingsCursor, "cursor", "nextCursor");
    }

    @Test
    void answers503WithRetryAfterUntilTheSinkCreatedTheTables() {
        DB.execute("ALTER SCHEMA telemetry RENAME TO telemetry_hidden");
        try {
            viewer().get("/v1/stats")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:fleetstream:problem:unavailable"))
                    .header("Retry-After", notNullValue())
                    .body("detail", org.hamcrest.Matchers.containsString("telemetry-sink"));
            viewer().get("/v1/devices/dev-latest/latest").then().statusCode(503);
        } finally {
            DB.execute("ALTER SCHEMA telemetry_hidden RENAME TO telemetry");
        }
        viewer().get("/v1/stats").then().statusCode(200);
    }

    private static List<String> alertIds(Map<String, String> query) {
        return viewer().queryParams(query)
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.alertId");
    }

    private static void assertBadRequest(String url, String field, String hint) {
        viewer().urlEncodingEnabled(false)
                .get(url)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", equalTo("urn:fleetstream:problem:invalid-request"))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", org.hamcrest.Matchers.containsString(hint));
    }

    /** The cursor after the first reading of dev-page that the request's filters select. */
    private static String firstReadingCursor(RequestSpecification filters) {
        return filters.queryParam("limit", 1)
                .get("/v1/devices/dev-page/readings")
                .then()
                .statusCode(200)
                .extract()
                .path("nextCursor");
    }
}
