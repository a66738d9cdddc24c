package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.ensureTypes;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class DeviceLifecycleApiTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @BeforeEach
    void typesExist() {
        ensureTypes("sensor", "gateway");
    }

    static ValidatableResponse changeState(String deviceId, String state) {
        return postJson("/v1/devices/" + deviceId + "/state", Map.of("state", state, "reason", "test"));
    }

    @Test
    void startsProvisionedWhenAskedAndActiveByDefault() {
        String provisioned = uniqueId("prov");
        postJson(
                        "/v1/devices",
                        Map.of("deviceId", provisioned, "name", "New", "type", "sensor", "state", "PROVISIONED"))
                .statusCode(201)
                .body("state", equalTo("PROVISIONED"));
        createDevice(uniqueId("default"), "sensor").statusCode(201).body("state", equalTo("ACTIVE"));
        postJson("/v1/devices", Map.of("name", "Suspended from birth", "type", "sensor", "state", "SUSPENDED"))
                .statusCode(400)
                .body("errors[0].field", equalTo("state"))
                .body("errors[0].message", containsString("PROVISIONED or ACTIVE"));
    }

    @Test
    void walksTheAllowedTransitions() {
        String deviceId = uniqueId("walker");
        postJson(
                        "/v1/devices",
                        Map.of("deviceId", deviceId, "name", "Walker", "type", "sensor", "state", "PROVISIONED"))
                .statusCode(201);

        changeState(deviceId, "ACTIVE").statusCode(200).body("state", equalTo("ACTIVE"));
        changeState(deviceId, "SUSPENDED").statusCode(200).body("state", equalTo("SUSPENDED"));
        changeState(deviceId, "ACTIVE").statusCode(200).body("state", equalTo("ACTIVE"));
        changeState(deviceId, "ACTIVE").statusCode(200).body("state", equalTo("ACTIVE"));
        changeState(deviceId, "DECOMMISSIONED").statusCode(200).body("state", equalTo("DECOMMISSIONED"));
    }

    @Test
    void refusesForbiddenTransitionsNamingTheAllowedOnes() {
        String deviceId = uniqueId("strict");
        postJson(
                        "/v1/devices",
                        Map.of("deviceId", deviceId, "name", "Strict", "type", "sensor", "state", "PROVISIONED"))
                .statusCode(201);

        changeState(deviceId, "SUSPENDED")
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("is PROVISIONED and cannot move to SUSPENDED"))
                .body("detail", containsString("ACTIVE or DECOMMISSIONED"));
        changeState(deviceId, "DECOMMISSIONED").statusCode(200);
        changeState(deviceId, "ACTIVE").statusCode(409).body("detail", containsString("DECOMMISSIONED is final"));
        changeState(deviceId, "PROVISIONED").statusCode(409);
        changeState(deviceId, "RETIRED").statusCode(400).body("errors[0].message", containsString("ACTIVE"));
    }

    @Test
    void publishesEveryStateChangeWithinSeconds() {
        String deviceId = uniqueId("fast");
        createDevice(deviceId, "sensor").statusCode(201);
        await().atMost(DELIVERY).until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> list.size() == 1);

        long started = System.nanoTime();
        changeState(deviceId, "SUSPENDED").statusCode(200);
        List<byte[]> values = await().atMost(DELIVERY)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> list.size() == 2);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(decode(Device.class, values.get(1)).getState()).isEqualTo(DeviceState.SUSPENDED);
        // The relay polls every 100 ms; "a few seconds" leaves room for a slow, shared test machine.
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void decommissioningRevokesAndPublishesEveryCredential() {
        String deviceId = uniqueId("retired");
        createDevice(deviceId, "gateway").statusCode(201);
        String first = postJson("/v1/devices/" + deviceId + "/credentials", Map.of())
                .statusCode(201)
                .extract()
                .path("credentialId");
        String second = postJson("/v1/devices/" + deviceId + "/credentials", Map.of())
                .statusCode(201)
                .extract()
                .path("credentialId");

        changeState(deviceId, "DECOMMISSIONED").statusCode(200);

        admin().get("/v1/devices/{id}/credentials", deviceId)
                .then()
                .statusCode(200)
                .body("items.status", equalTo(List.of("REVOKED", "REVOKED")));
        for (String credentialId : List.of(first, second)) {
            List<byte[]> values = await().atMost(DELIVERY)
                    .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, credentialId), list -> list.size() == 2);
            assertThat(decode(DeviceCredential.class, values.get(1)).getRevokedAt())
                    .isNotNull();
        }
        postJson("/v1/devices/" + deviceId + "/credentials", Map.of())
                .statusCode(409)
                .body("detail", containsString("DECOMMISSIONED"));
    }

    @Test
    void patchesNameTypeAndLabels() {
        String deviceId = uniqueId("patched");
        ensureTypes("meter");
        postJson(
                        "/v1/devices",
                        Map.of(
                                "deviceId",
                                deviceId,
                                "name",
                                "Old",
                                "type",
                                "sensor",
                                "labels",
                                Map.of("a", "1", "b", "2")))
                .statusCode(201);

        admin().contentType("application/merge-patch+json")
                .body("{\"name\": \"New\", \"type\": \"meter\", \"labels\": {\"a\": null, \"c\": \"3\"}}")
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(200)
                .body("name", equalTo("New"))
                .body("type", equalTo("meter"))
                .body("labels", equalTo(Map.of("b", "2", "c", "3")));

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> list.size() == 2);
        Device published = decode(Device.class, values.get(1));
        assertThat(published.getName()).isEqualTo("New");
        assertThat(published.getLabels()).isEqualTo(Map.of("b", "2", "c", "3"));
    }

    @Test
    void refusesInvalidPatches() {
        String deviceId = uniqueId("unpatched");
        createDevice(deviceId, "sensor").statusCode(201);

        admin().contentType(ContentType.JSON)
                .body(Map.of("type", uniqueId("missing-type")))
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("create it first"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("state", "SUSPENDED"))
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(400)
                .body("errors[0].message", containsString("/state"));
        admin().contentType(ContentType.JSON)
                .body("{\"name\": null}")
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("deviceId", "other"))
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("deviceId"));
    }

    @Test
    void deletesOnlyDecommissionedDevicesWithTombstones() {
        String deviceId = uniqueId("gone");
        createDevice(deviceId, "sensor").statusCode(201);
        String credentialId = postJson("/v1/devices/" + deviceId + "/credentials", Map.of())
                .statusCode(201)
                .extract()
                .path("credentialId");

        admin().delete("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(409)
                .body("detail", containsString("Decommission it first"));

        changeState(deviceId, "DECOMMISSIONED").statusCode(200);
        admin().delete("/v1/devices/{id}", deviceId).then().statusCode(204);
        admin().get("/v1/devices/{id}", deviceId).then().statusCode(404);

        List<byte[]> device = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, deviceId), list -> list.size() == 3);
        assertThat(device.get(2)).as("device tombstone").isNull();
        List<byte[]> credential = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, credentialId), list -> list.size() == 3);
        assertThat(credential.get(2)).as("credential tombstone").isNull();
        admin().queryParam("resourceId", deviceId)
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items[0].action", equalTo("device.deleted"))
                .body("items[0].change.credentialsDeleted", equalTo(List.of(credentialId)))
                .body("items[1].action", equalTo("device.state-changed"))
                .body("items[1].change.to", equalTo("DECOMMISSIONED"))
                .body("items[1].change.reason", equalTo("test"));
    }

    @Test
    void decommissionedDeviceCannotBePatched() {
        String deviceId = uniqueId("frozen");
        createDevice(deviceId, "sensor").statusCode(201);
        changeState(deviceId, "DECOMMISSIONED").statusCode(200).body("updatedAt", not(nullValue()));

        admin().contentType(ContentType.JSON)
                .body(Map.of("name", "Thawed"))
                .patch("/v1/devices/{id}", deviceId)
                .then()
                .statusCode(409);
    }
}
