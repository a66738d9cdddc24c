package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.ensureTypes;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class DeviceListFilterApiTest {

    private static void device(String id, String type, String state, Map<String, String> labels) {
        postJson("/v1/devices", Map.of("deviceId", id, "name", id, "type", type, "state", state, "labels", labels))
                .statusCode(201);
    }

    private static List<String> ids(RequestSpecification request) {
        return request.get("/v1/devices")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.deviceId");
    }

    @Test
    void filtersByTypeStateAndEveryLabel() {
        String type = uniqueId("lamp");
        String other = uniqueId("fan");
        ensureTypes(type, other);
        String p = type + "-";
        device(p + "a", type, "ACTIVE", Map.of("site", "north", "floor", "1"));
        device(p + "b", type, "PROVISIONED", Map.of("site", "north", "floor", "2"));
        device(p + "c", type, "ACTIVE", Map.of("site", "south", "floor", "1"));
        device(p + "d", other, "ACTIVE", Map.of("site", "north", "floor", "1", "run", type));

        assertThat(ids(admin().queryParam("type", type))).containsExactly(p + "a", p + "b", p + "c");
        assertThat(ids(admin().queryParam("type", type).queryParam("state", "PROVISIONED")))
                .containsExactly(p + "b");
        assertThat(ids(admin().queryParam("type", type).queryParam("label", "site:north")))
                .containsExactly(p + "a", p + "b");
        assertThat(ids(admin().queryParam("type", type)
                        .queryParam("label", "site:north")
                        .queryParam("label", "floor=1")))
                .containsExactly(p + "a");
        assertThat(ids(admin().queryParam("label", "run:" + type))).containsExactly(p + "d");
        assertThat(ids(admin().queryParam("label", "run:" + type).queryParam("state", "SUSPENDED")))
                .isEmpty();
    }

    @Test
    void pagesFilteredListWithCursor() {
        String type = uniqueId("paged");
        ensureTypes(type);
        for (int i = 0; i < 5; i++) {
            device(type + "-" + i, type, "ACTIVE", Map.of("zone", i % 2 == 0 ? "even" : "odd"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = admin().queryParam("type", type)
                    .queryParam("label", "zone:even")
                    .queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.get("/v1/devices").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.deviceId"));
            cursor = page.getString("nextCursor");
            assertThat(page.getBoolean("hasMore")).isEqualTo(cursor != null);
        } while (cursor != null);
        assertThat(seen).containsExactly(type + "-0", type + "-2", type + "-4");
    }

    @Test
    void rejectsInvalidFilters() {
        admin().queryParam("state", "active")
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("state"))
                .body("errors[0].message", containsString("upper case"));
        admin().queryParam("label", "no-separator")
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("label"))
                .body("errors[0].message", containsString("key:value"));
        admin().queryParam("label", "a:1")
                .queryParam("label", "a:2")
                .get("/v1/devices")
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("twice"));
        admin().queryParam("limit", 0).get("/v1/devices").then().statusCode(400);
    }
}
