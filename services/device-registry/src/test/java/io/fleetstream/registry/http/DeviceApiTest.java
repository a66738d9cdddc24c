package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.ensureTypes;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class DeviceApiTest {

    @BeforeEach
    void typesExist() {
        ensureTypes("boiler", "sensor", "pump", "valve");
    }

    @Test
    void createsDeviceAndReturnsItByItsId() {
        String deviceId = uniqueId("boiler");
        String created = postJson(
                        "/v1/devices",
                        Map.of(
                                "deviceId",
                                deviceId,
                                "name",
                                "Boiler in the basement",
                                "type",
                                "boiler",
                                "labels",
                                Map.of("site", "berlin", "floor", "-1")))
                .statusCode(201)
                .header("Location", containsString("/v1/devices/" + deviceId))
                .contentType(ContentType.JSON)
                .body("deviceId", equalTo(deviceId))
                .body("name", equalTo("Boiler in the basement"))
                .body("type", equalTo("boiler"))
                .body("labels.site", equalTo("berlin"))
                .body("labels.floor", equalTo("-1"))
                .body("state", equalTo("ACTIVE"))
                .body("createdAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z"))
                .extract()
                .asString();

        String fetched = admin().get("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(JsonPath.from(fetched).getMap(""))
                .isEqualTo(JsonPath.from(created).getMap(""));
        JsonPath json = JsonPath.from(fetched);
        assertThat(Instant.parse(json.getString("updatedAt"))).isEqualTo(Instant.parse(json.getString("createdAt")));
    }

    @Test
    void refusesTheNulCharacterInAPathWithAProblemNotAServerError() {
        admin().urlEncodingEnabled(false)
                .get("/v1/devices/a%00b")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("NUL"));
    }

    @Test
    void generatesDeviceIdWhenAbsent() {
        String deviceId = postJson("/v1/devices", Map.of("name", "Anonymous sensor", "type", "sensor"))
                .statusCode(201)
                .body("labels", equalTo(Map.of()))
                .extract()
                .path("deviceId");

        assertThat(deviceId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        admin().get("/v1/devices/{id}", deviceId).then().statusCode(200).body("name", equalTo("Anonymous sensor"));
    }

    @Test
    void rejectsDuplicateDeviceIdWithConflict() {
        String deviceId = uniqueId("dup");
        createDevice(deviceId, "pump").statusCode(201);

        postJson("/v1/devices", Map.of("deviceId", deviceId, "name", "Second pump", "type", "pump"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("device [" + deviceId + "] already exists"));
        admin().get("/v1/devices/{id}", deviceId).then().body("name", equalTo("Device " + deviceId));
    }

    @Test
    void answersNotFoundForUnknownDevice() {
        admin().get("/v1/devices/{id}", "no-such-device")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not found"))
                .body("detail", containsString("device [no-such-device] does not exist"));
    }

    @Test
    void rejectsEveryInvalidFieldAtOnce() {
        Map<String, Object> body =
                Map.of("deviceId", "has space", "name", " ", "type", "x".repeat(65), "labels", Map.of("bad key", "v"));

        postJson("/v1/devices", body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fleetstream:problem:invalid-request"))
                .body("title", equalTo("Invalid request"))
                .body("status", equalTo(400))
                .body("detail", containsString("4 fields are invalid"))
                .body("errors.field", equalTo(List.of("deviceId", "name", "type", "labels.bad key")))
                .body("errors.find { it.field == 'deviceId' }.message", containsString("A-Z, a-z, 0-9 and _ . : -"))
                .body("errors.find { it.field == 'name' }.message", containsString("non-blank"));
    }

    @Test
    void rejectsMissingRequiredFields() {
        postJson("/v1/devices", Map.of())
                .statusCode(400)
                .body("errors.field", equalTo(List.of("name", "type")))
                .body("errors.message", hasItem(containsString("is required")));
    }

    @Test
    void rejectsMalformedJsonWithProblemDocument() {
        admin().contentType(ContentType.JSON)
                .body("{\"name\": \"x\", ")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fleetstream:problem:malformed-json"))
                .body("detail", containsString("not valid JSON"))
                .body("detail", containsString("line 1"));
    }

    @Test
    void refusesAFieldSentTwiceAndNonStandardJsonInTheClientsTerms() {
        admin().contentType(ContentType.JSON)
                .body("{\"name\": \"Pump 7\", \"type\": \"pump\", \"name\": \"Pump 8\"}")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:fleetstream:problem:malformed-json"))
                .body("detail", containsString("the field 'name' appears more than once"));
        admin().contentType(ContentType.JSON)
                .body("{\"name\": \"Pump 7\", \"type\": \"pump\", \"labels\": {\"floor\": +1}}")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("detail", containsString("plus signs"))
                .body("detail", not(containsString("JsonReadFeature")));
    }

    @Test
    void rejectsWrongJsonTypesAndUnknownFields() {
        admin().contentType(ContentType.JSON)
                .body("{\"name\": 5, \"type\": \"pump\"}")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", equalTo("must be a string"));
        admin().contentType(ContentType.JSON)
                .body("{\"name\": \"Pump\", \"type\": \"pump\", \"colour\": \"red\"}")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("colour"))
                .body("errors[0].message", containsString("is not a known field"))
                .body("errors[0].message", containsString("deviceId, labels, name, state, type"));
        admin().contentType(ContentType.JSON)
                .body("[{\"name\": \"Pump\", \"type\": \"pump\"}]")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("$"))
                .body("errors[0].message", equalTo("must be a JSON object"));
        admin().contentType(ContentType.JSON)
                .body("{\"name\": \"Pump\", \"type\": \"pump\", \"labels\": {\"a\": null}}")
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("labels.a"));
    }

    @Test
    void rejectsEmptyBodyAndNonJsonContent() {
        admin().contentType(ContentType.JSON)
                .post("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("the body is empty"));
        admin().contentType(ContentType.TEXT)
                .body("name=x")
                .post("/v1/devices")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("detail", containsString("Content-Type: application/json"));
    }

    @Test
    void pagesThroughDevicesOfOneTypeInDeviceIdOrder() {
        String type = uniqueId("meter");
        List<String> ids = List.of("m-03", "m-01", "M-02", "m-10", "m-2").stream()
                .map(id -> type + "-" + id)
                .toList();
        ids.forEach(id -> createDevice(id, type).statusCode(201));
        createDevice(uniqueId("other"), uniqueId("other-type")).statusCode(201);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = admin().queryParam("type", type).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.get("/v1/devices").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.deviceId"));
            assertThat(page.getList("items.type", String.class)).containsOnly(type);
            cursor = page.getString("nextCursor");
            assertThat(page.getBoolean("hasMore")).isEqualTo(cursor != null);
            pages++;
        } while (cursor != null);

        // Byte order ("C" collation): upper case before lower case, "10" before "2".
        assertThat(seen).containsExactly(type + "-M-02", type + "-m-01", type + "-m-03", type + "-m-10", type + "-m-2");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void lastPageHasNoCursor() {
        String type = uniqueId("single");
        createDevice(uniqueId("only"), type).statusCode(201);

        admin().queryParam("type", type)
                .get("/v1/devices")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("nextCursor", nullValue())
                .body("hasMore", equalTo(false));
    }

    @Test
    void rejectsInvalidPagingParameters() {
        admin().queryParam("cursor", "not-a-cursor")
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("cursor"))
                .body("errors[0].message", containsString("leave cursor out"));
        admin().queryParam("limit", 1001)
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("limit"))
                .body("errors[0].message", containsString("1 to 1000"));
        admin().queryParam("limit", "ten").get("/v1/devices").then().statusCode(400);
        admin().queryParam("type", "bad type")
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("type"));
    }

    @Test
    void answersUnknownPathsWithProblemDocument() {
        admin().get("/v1/nothing-here")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", notNullValue());
    }
}
