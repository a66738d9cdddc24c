package io.fleetstream.query;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.query.Access.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Buckets built from stored windows (or readings) with explicit timestamps, across DST changes and odd offsets. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.TOPICS, value = QueryApiTest.TOPICS))
class BucketedAggregatesTest {

    private static final TelemetryFixture DB = new TelemetryFixture();

    @BeforeAll
    static void loadFixture() {
        DB.reset();
        // Hourly windows, one reading each, around the spring change in Berlin (31 March 2024, 23 hours) and the
        // autumn change in New York (3 November 2024, 25 hours).
        hourly("dev-dst", Instant.parse("2024-03-29T20:00:00Z"), Instant.parse("2024-04-02T02:00:00Z"));
        hourly("dev-dst", Instant.parse("2024-11-01T20:00:00Z"), Instant.parse("2024-11-05T08:00:00Z"));

        // Kathmandu is UTC+05:45: its days start at hh:15 UTC, which 15-minute windows can build and hourly ones
        // cannot. The hourly windows carry a different count so that using them would show.
        for (Instant t = Instant.parse("2024-06-09T18:15:00Z");
                t.isBefore(Instant.parse("2024-06-11T18:15:00Z"));
                t = t.plus(Duration.ofMinutes(15))) {
            DB.window("dev-ktm", "temp", 900, t, 2, 1.0, 1.0, 2.0, 0);
        }
        for (Instant t = Instant.parse("2024-06-09T18:00:00Z");
                t.isBefore(Instant.parse("2024-06-11T19:00:00Z"));
                t = t.plus(Duration.ofHours(1))) {
            DB.window("dev-ktm", "temp", 3600, t, 100, 1.0, 1.0, 100.0, 0);
        }

        // Liberia kept UTC-00:44:30 until 1972: no window size lines up with its days, so readings are used.
        DB.reading(
                "dev-mon", "temp", Instant.parse("1971-06-01T00:44:30Z"), 1.0, Instant.parse("1971-06-01T01:00:00Z"));
        DB.reading(
                "dev-mon", "temp", Instant.parse("1971-06-01T12:44:30Z"), 5.0, Instant.parse("1971-06-01T13:00:00Z"));
        DB.reading(
                "dev-mon", "temp", Instant.parse("1971-06-02T00:43:30Z"), 3.0, Instant.parse("1971-06-02T01:00:00Z"));
        DB.reading(
                "dev-mon", "temp", Instant.parse("1971-06-02T00:44:30Z"), 7.0, Instant.parse("1971-06-02T01:00:00Z"));
        DB.window("dev-mon", "temp", 60, Instant.parse("1971-06-01T00:44:00Z"), 1, 1.0, 1.0, 1.0, 0);

        // One-minute windows with gaps, combined into 1m and 5m buckets.
        DB.window("dev-gap", "temp", 60, Instant.parse("2024-02-01T10:00:00Z"), 2, 1.0, 3.0, 4.0, 0);
        DB.window("dev-gap", "temp", 60, Instant.parse("2024-02-01T10:01:00Z"), 1, -2.0, -2.0, -2.0, 3);
        DB.window("dev-gap", "temp", 60, Instant.parse("2024-02-01T10:04:00Z"), 3, 0.0, 10.0, 12.0, 1);
        DB.window("dev-gap", "temp", 60, Instant.parse("2024-02-01T10:05:00Z"), 1, 5.0, 5.0, 5.0, 0);
        DB.window("dev-gap", "temp", 60, Instant.parse("2024-02-01T12:00:00Z"), 1, 6.0, 6.0, 6.0, 0);
    }

    private static void hourly(String deviceId, Instant from, Instant to) {
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofHours(1))) {
            DB.window(deviceId, "temp", 3600, t, 1, 1.0, 1.0, 1.0, 0);
        }
    }

    /** RestAssured knows the test port only once a test instance exists, so the key wait happens here. */
    @BeforeEach
    void keysLoaded() {
        Access.keysLoaded();
    }

    @Test
    void berlinSpringDayHas23HoursAndDaysStartAtLocalMidnight() {
        JsonPath page = days("dev-dst", "Europe/Berlin", "2024-03-30T00:00:00+01:00", "2024-04-02T00:00:00+02:00");
        assertThat(page.getString("source")).isEqualTo("aggregates:1h");
        assertThat(page.getList("items.bucketStart"))
                .containsExactly("2024-03-29T23:00:00Z", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z");
        assertThat(page.getList("items.bucketEnd"))
                .containsExactly("2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z", "2024-04-01T22:00:00Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(24, 23, 24);
    }

    @Test
    void newYorkAutumnDayHas25Hours() {
        JsonPath page = days("dev-dst", "America/New_York", "2024-11-02T00:00:00-04:00", "2024-11-05T00:00:00-05:00");
        assertThat(page.getList("items.bucketStart"))
                .containsExactly("2024-11-02T04:00:00Z", "2024-11-03T04:00:00Z", "2024-11-04T05:00:00Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(24, 25, 24);
    }

    @Test
    void dayBucketsDefaultToUtcDays() {
        JsonPath page = viewer().queryParam("metric", "temp")
                .queryParam("bucket", "1d")
                .queryParam("from", "2024-03-30T00:00:00Z")
                .queryParam("to", "2024-04-01T00:00:00Z")
                .get("/v1/devices/dev-dst/aggregates")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(page.getList("items.bucketStart")).containsExactly("2024-03-30T00:00:00Z", "2024-03-31T00:00:00Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(24, 24);
    }

    @Test
    void listsWholeBucketsWhoseStartIsInTheRange() {
        // from falls inside the local day 30 March, so the first bucket is 31 March, complete; to falls inside
        // 31 March, whose bucket still ends at the next local midnight.
        JsonPath page = days("dev-dst", "Europe/Berlin", "2024-03-30T12:00:00Z", "2024-03-31T00:00:00Z");
        assertThat(page.getList("items.bucketStart")).containsExactly("2024-03-30T23:00:00Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(23);
    }

    @Test
    void kathmanduDaysAreBuiltFromQuarterHourWindowsNotHourlyOnes() {
        JsonPath page = days("dev-ktm", "Asia/Kathmandu", "2024-06-10T00:00:00+05:45", "2024-06-12T00:00:00+05:45");
        assertThat(page.getString("source")).isEqualTo("aggregates:15m");
        assertThat(page.getList("items.bucketStart")).containsExactly("2024-06-09T18:15:00Z", "2024-06-10T18:15:00Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(192, 192);

        // Sub-day buckets stay on UTC hours whatever the zone, so the hourly windows serve them.
        viewer().queryParam("metric", "temp")
                .queryParam("bucket", "1h")
                .queryParam("tz", "Asia/Kathmandu")
                .queryParam("from", "2024-06-10T00:00:00Z")
                .queryParam("to", "2024-06-10T02:00:00Z")
                .get("/v1/devices/dev-ktm/aggregates")
                .then()
                .statusCode(200)
                .body("source", equalTo("aggregates:1h"))
                .body(
                        "items.bucketStart",
                        org.hamcrest.Matchers.contains("2024-06-10T00:00:00Z", "2024-06-10T01:00:00Z"));
    }

    @Test
    void fallsBackToReadingsWhenNoWindowSizeLinesUpWithTheZone() {
        JsonPath page = days("dev-mon", "Africa/Monrovia", "1971-06-01T00:00:00Z", "1971-06-03T00:00:00Z");
        assertThat(page.getString("source")).isEqualTo("readings");
        assertThat(page.getList("items.bucketStart")).containsExactly("1971-06-01T00:44:30Z", "1971-06-02T00:44:30Z");
        assertThat(page.getList("items.count", Integer.class)).containsExactly(3, 1);
        assertThat(page.getList("items.max", Float.class)).containsExactly(5.0f, 7.0f);
    }

    @Test
    void combinesWindowsExactlyIntoLargerBuckets() {
        JsonPath page = viewer().queryParam("metric", "temp")
                .queryParam("bucket", "5m")
                .queryParam("from", "2024-02-01T10:00:00Z")
                .queryParam("to", "2024-02-01T10:05:00Z")
                .get("/v1/devices/dev-gap/aggregates")
                .then()
                .statusCode(200)
                .body("hasMore", equalTo(false))
                .extract()
                .jsonPath();
        assertThat(page.getString("source")).isEqualTo("aggregates:1m");
        Map<String, Object> bucket = page.getMap("items[0]");
        assertThat(bucket)
                .containsEntry("bucketStart", "2024-02-01T10:00:00Z")
                .containsEntry("bucketEnd", "2024-02-01T10:05:00Z")
                .containsEntry("count", 6)
                .containsEntry("min", -2.0f)
                .containsEntry("max", 10.0f)
                .containsEntry("sum", 14.0f);
        assertThat(page.getDouble("items[0].avg")).isCloseTo(14.0 / 6, within(1e-6));
    }

    @Test
    void omitsEmptyBucketsAndPagesAcrossGaps() {
        List<String> starts = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        String cursor = null;
        do {
            var request = viewer().queryParam("metric", "temp")
                    .queryParam("bucket", "1m")
                    .queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/devices/dev-gap/aggregates")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            starts.addAll(page.getList("items.bucketStart"));
            hasMore.add(page.getBoolean("hasMore"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && starts.size() < 20);
        assertThat(starts)
                .containsExactly(
                        "2024-02-01T10:00:00Z",
                        "2024-02-01T10:01:00Z",
                        "2024-02-01T10:04:00Z",
                        "2024-02-01T10:05:00Z",
                        "2024-02-01T12:00:00Z");
        assertThat(hasMore.get(hasMore.size() - 1)).isFalse();
    }

    @Test
    void refusesCursorOfAnotherBucketSize() {
        String cursor = firstMinuteBucketCursor();
        viewer().queryParam("metric", "temp")
                .queryParam("bucket", "5m")
                .queryParam("cursor", cursor)
                .get("/v1/devices/dev-gap/aggregates")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"))
                .body("errors[0].message", containsString("same deviceId, metric, bucket, tz, from, to"));
    }

    @Test
    void refusesCursorOfAnotherDeviceOrMetricOrRange() {
        String cursor = firstMinuteBucketCursor();
        for (String other : List.of(
                "/v1/devices/dev-ktm/aggregates?metric=temp&bucket=1m",
                "/v1/devices/dev-gap/aggregates?metric=hum&bucket=1m",
                "/v1/devices/dev-gap/aggregates?metric=temp&bucket=1m&to=2024-02-01T11:00:00Z")) {
            viewer().urlEncodingEnabled(false)
                    .get(other + "&cursor=" + cursor)
                    .then()
                    .statusCode(400)
                    .body("type", equalTo("urn:fleetstream:problem:invalid-request"))
                    .body("errors[0].field", equalTo("cursor"));
        }
        // The bucket's earlier parameter name asks for the same buckets, so the cursor continues them.
        viewer().queryParam("metric", "temp")
                .queryParam("window", "1m")
                .queryParam("limit", 1)
                .queryParam("cursor", cursor)
                .get("/v1/devices/dev-gap/aggregates")
                .then()
                .statusCode(200)
                .body("items.bucketStart", equalTo(List.of("2024-02-01T10:01:00Z")));
    }

    private static JsonPath days(String deviceId, String zone, String from, String to) {
        return viewer().queryParam("metric", "temp")
                .queryParam("bucket", "1d")
                .queryParam("tz", zone)
                .queryParam("from", from)
                .queryParam("to", to)
                .get("/v1/devices/" + deviceId + "/aggregates")
                .then()
                .statusCode(200)
                .body("hasMore", equalTo(false))
                .extract()
                .jsonPath();
    }

    /** The cursor after the first 1m bucket of dev-gap's temp. */
    private String firstMinuteBucketCursor() {
        return viewer().queryParam("metric", "temp")
                .queryParam("bucket", "1m")
                .queryParam("limit", 1)
                .get("/v1/devices/dev-gap/aggregates")
                .then()
                .statusCode(200)
                .extract()
                .path("nextCursor");
    }
}
