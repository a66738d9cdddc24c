package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Every filter, limit and cursor of the list endpoints: a value no entry can have is a 400 that names the fix. */
@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class ListQueryValidationApiTest {

    private static final String INVALID = "urn:fleetstream:problem:invalid-request";

    private static ValidatableResponse refused(String pathAndQuery) {
        return admin().urlEncodingEnabled(false)
                .get(pathAndQuery)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(INVALID))
                .body("status", equalTo(400));
    }

    private static String cursorOf(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void auditRefusesAnUnknownResourceTypeNamingTheAcceptedOnes() {
        refused("/v1/audit?resourceType=unknown")
                .body("errors.size()", equalTo(1))
                .body("errors[0].field", equalTo("resourceType"))
                .body("errors[0].message", containsString("'unknown' is not a resource type"))
                .body("errors[0].message", containsString("device-type, device, credential, alert-rule, api-key"));
        refused("/v1/audit?resourceType=DEVICE").body("errors[0].field", equalTo("resourceType"));
    }

    @Test
    void auditStillFiltersByEveryKnownResourceType() {
        String deviceId = uniqueId("audit-filter");
        createDevice(deviceId, "sensor").statusCode(201);
        for (String type : List.of("device-type", "device", "credential", "alert-rule", "api-key")) {
            admin().queryParam("resourceType", type)
                    .queryParam("limit", 1)
                    .get("/v1/audit")
                    .then()
                    .statusCode(200);
        }
        admin().queryParam("resourceType", "device")
                .queryParam("resourceId", deviceId)
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.action", equalTo(List.of("device.created")));
    }

    @Test
    void auditRefusesIdsNoEntryCanHaveAndForgedCursors() {
        refused("/v1/audit?resourceId=a%20b").body("errors[0].field", equalTo("resourceId"));
        refused("/v1/audit?actor=" + "k".repeat(65)).body("errors[0].field", equalTo("actor"));
        for (String forged : List.of("v1:-5", "v1:0", "v1:abc")) {
            refused("/v1/audit?cursor=" + cursorOf(forged))
                    .body("errors[0].field", equalTo("cursor"))
                    .body("errors[0].message", containsString("nextCursor"));
        }
    }

    @Test
    void reportsEveryBadParameterOfAListAtOnce() {
        refused("/v1/audit?resourceType=devices&from=yesterday&limit=0&cursor=garbage")
                .body("errors.field", containsInAnyOrder("resourceType", "from", "limit", "cursor"));
        refused("/v1/devices?state=GONE&limit=1001&cursor=garbage")
                .body("errors.field", containsInAnyOrder("state", "limit", "cursor"))
                .body("errors.message", hasItem(containsString("PROVISIONED, ACTIVE, SUSPENDED, DECOMMISSIONED")))
                .body("errors.message", hasItem(containsString("1 to 1000")));
        refused("/v1/alert-rules?kind=SPIKE&severity=low&enabled=yes&limit=x")
                .body("errors.field", containsInAnyOrder("kind", "severity", "enabled", "limit"))
                .body("errors.message", hasItem(containsString("THRESHOLD, RATE_OF_CHANGE, INACTIVITY")))
                .body("errors.message", hasItem(containsString("INFO, WARNING, CRITICAL")))
                .body("errors.message", hasItem(containsString("true or false")));
        refused("/v1/device-types?limit=-1&cursor=garbage").body("errors.field", containsInAnyOrder("limit", "cursor"));
        refused("/v1/api-keys?limit=0&cursor=garbage").body("errors.field", containsInAnyOrder("limit", "cursor"));
    }

    @Test
    void refusesAQueryParameterTheEndpointDoesNotTakeNamingTheOnesItDoes() {
        refused("/v1/devices?stat=ACTIVE")
                .body("errors[0].field", equalTo("stat"))
                .body("errors[0].message", containsString("cursor, label, limit, state, type"));
        refused("/v1/audit?action=device.created")
                .body("errors[0].field", equalTo("action"))
                .body("errors[0].message", containsString("resourceType"));
        refused("/v1/device-types?type=sensor").body("errors[0].field", equalTo("type"));
        refused("/v1/devices/any-device?verbose=true")
                .body("errors[0].field", equalTo("verbose"))
                .body("errors[0].message", containsString("takes none"));
    }

    @Test
    void refusesASingleValuedParameterGivenTwiceButLetsLabelsRepeat() {
        refused("/v1/devices?state=ACTIVE&state=SUSPENDED")
                .body("errors[0].field", equalTo("state"))
                .body("errors[0].message", containsString("give it once"));
        refused("/v1/audit?limit=1&limit=2").body("errors[0].field", equalTo("limit"));
        admin().urlEncodingEnabled(false)
                .get("/v1/devices?label=site:north&label=floor:2")
                .then()
                .statusCode(200);
    }

    @Test
    void anUnauthenticatedCallerLearnsNothingAboutTheParameters() {
        given().get("/v1/devices?stat=ACTIVE").then().statusCode(401);
    }
}
