package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class DeviceTypeApiTest {

    @Test
    void createsReadsListsUpdatesAndDeletesType() {
        String type = uniqueId("chiller");
        postJson("/v1/device-types", Map.of("type", type, "description", "Roof chillers"))
                .statusCode(201)
                .header("Location", containsString("/v1/device-types/" + type))
                .body("type", equalTo(type))
                .body("description", equalTo("Roof chillers"));
        admin().get("/v1/device-types/{type}", type)
                .then()
                .statusCode(200)
                .body("description", equalTo("Roof chillers"));
        admin().queryParam("limit", 1000)
                .get("/v1/device-types")
                .then()
                .statusCode(200)
                .body("items.type", hasItem(type));

        admin().contentType(ContentType.JSON)
                .body(Map.of("description", "Chillers on the roof"))
                .patch("/v1/device-types/{type}", type)
                .then()
                .statusCode(200)
                .body("description", equalTo("Chillers on the roof"));

        admin().delete("/v1/device-types/{type}", type).then().statusCode(204);
        admin().get("/v1/device-types/{type}", type).then().statusCode(404);
    }

    @Test
    void refusesDuplicateAndInvalidTypes() {
        String type = uniqueId("dup-type");
        postJson("/v1/device-types", Map.of("type", type)).statusCode(201).body("description", equalTo(""));
        postJson("/v1/device-types", Map.of("type", type))
                .statusCode(409)
                .body("detail", containsString("already exists"));
        postJson("/v1/device-types", Map.of("type", "has space", "description", "x".repeat(1001)))
                .statusCode(400)
                .body("errors.field", equalTo(java.util.List.of("type", "description")));
    }

    @Test
    void refusesToDeleteTypeWhileDevicesUseIt() {
        String type = uniqueId("in-use");
        createDevice(uniqueId("user"), type).statusCode(201);

        admin().delete("/v1/device-types/{type}", type)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("used by 1 device"));
        admin().get("/v1/device-types/{type}", type).then().statusCode(200);
    }

    @Test
    void refusesDeviceOfUnknownTypeSayingToCreateItFirst() {
        String type = uniqueId("unknown-type");
        postJson("/v1/devices", Map.of("name", "Orphan", "type", type))
                .statusCode(400)
                .body("errors[0].field", equalTo("type"))
                .body(
                        "errors[0].message",
                        containsString("does not exist; create it first with POST /v1/device-types"));
    }
}
