package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.ADMIN_KEY;
import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class AuditApiTest {

    @Test
    void recordsEveryChangeOfADeviceNewestFirst() {
        String deviceId = uniqueId("audited");
        Instant before = Instant.now().minusSeconds(1);
        createDevice(deviceId, "sensor").statusCode(201);
        postJson("/v1/devices/" + deviceId + "/state", Map.of("state", "SUSPENDED", "reason", "maintenance"))
                .statusCode(200);
        String token = postJson("/v1/devices/" + deviceId + "/credentials", Map.of())
                .statusCode(201)
                .extract()
                .path("token");

        admin().queryParam("resourceType", "device")
                .queryParam("resourceId", deviceId)
                .queryParam("from", before.toString())
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.action", equalTo(List.of("device.state-changed", "device.created")))
                .body("items[0].actor.keyId", equalTo("bootstrap"))
                .body("items[0].change.from", equalTo("ACTIVE"))
                .body("items[0].change.to", equalTo("SUSPENDED"))
                .body("items[0].change.reason", equalTo("maintenance"))
                .body("items[1].change.after.name", equalTo("Device " + deviceId));

        String everything = admin().queryParam("from", before.toString())
                .queryParam("limit", 1000)
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.action", org.hamcrest.Matchers.hasItem("credential.issued"))
                .extract()
                .asString();
        assertThat(everything).doesNotContain(token).doesNotContain(ADMIN_KEY).doesNotContain("tokenHash");
    }

    @Test
    void pagesNewestFirstWithCursorAndTimeRange() {
        String prefix = uniqueId("paging");
        for (int i = 0; i < 5; i++) {
            postJson("/v1/device-types", Map.of("type", prefix + "-" + i)).statusCode(201);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = admin().queryParam("resourceType", "device-type")
                    .queryParam("actor", "bootstrap")
                    .queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.get("/v1/audit").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.resourceId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && seen.size() < 5);
        assertThat(seen).startsWith(prefix + "-4", prefix + "-3", prefix + "-2", prefix + "-1", prefix + "-0");

        admin().queryParam("to", "2000-01-01T00:00:00Z")
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void rejectsInvalidAuditQueries() {
        admin().queryParam("from", "yesterday")
                .get("/v1/audit")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("from"));
        admin().queryParam("from", "2030-01-01T00:00:00Z")
                .queryParam("to", "2029-01-01T00:00:00Z")
                .get("/v1/audit")
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("after from"));
        admin().queryParam("cursor", "garbage").get("/v1/audit").then().statusCode(400);
    }
}
