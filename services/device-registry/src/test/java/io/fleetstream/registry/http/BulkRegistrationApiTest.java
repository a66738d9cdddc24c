package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.ensureTypes;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class BulkRegistrationApiTest {

    @BeforeEach
    void typesExist() {
        ensureTypes("sensor");
    }

    static Map<String, Object> device(String deviceId) {
        Map<String, Object> device = new HashMap<>();
        device.put("deviceId", deviceId);
        device.put("name", "Bulk " + deviceId);
        device.put("type", "sensor");
        device.put("labels", Map.of("batch", "b1"));
        return device;
    }

    @Test
    void registersEveryDeviceWithItsOwnTokenReturnedOnce() {
        String prefix = uniqueId("bulk");
        List<Map<String, Object>> devices =
                List.of(device(prefix + "-1"), device(prefix + "-2"), device(prefix + "-3"));

        JsonPath answer = postJson("/v1/devices/bulk", Map.of("devices", devices))
                .statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .body("count", equalTo(3))
                .body("items.device.deviceId", equalTo(List.of(prefix + "-1", prefix + "-2", prefix + "-3")))
                .body("items.device.state", equalTo(List.of("ACTIVE", "ACTIVE", "ACTIVE")))
                .extract()
                .jsonPath();

        List<String> tokens = answer.getList("items.credential.token");
        assertThat(tokens).hasSize(3).doesNotHaveDuplicates().allMatch(token -> token.startsWith("fst_"));
        admin().get("/v1/devices/{id}", prefix + "-2").then().statusCode(200).body("labels.batch", equalTo("b1"));
        admin().queryParam("resourceType", "device")
                .queryParam("resourceId", prefix + "-2")
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.action", equalTo(List.of("device.created")))
                .body("items[0].actor.keyId", equalTo("bootstrap"))
                .body("items[0].change.bulk", equalTo(true))
                .body(
                        "items[0].change.after.credentialId",
                        equalTo(answer.getString("items[1].credential.credentialId")));
        String credentialId = answer.getString("items[1].credential.credentialId");
        List<byte[]> published = await().atMost(Duration.ofSeconds(30))
                .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, credentialId), list -> !list.isEmpty());
        assertThat(decode(io.fleetstream.schema.DeviceCredential.class, published.get(0))
                        .getTokenHash())
                .isEqualTo(TokenHash.of(tokens.get(1)));
    }

    @Test
    void storesNothingWhenOneItemIsInvalidAndListsEveryErrorWithItsIndex() {
        String prefix = uniqueId("atomic");
        Map<String, Object> badName = device(prefix + "-1");
        badName.put("name", "");
        Map<String, Object> unknownType = device(prefix + "-2");
        unknownType.put("type", uniqueId("no-such-type"));
        List<Map<String, Object>> devices =
                List.of(device(prefix + "-0"), badName, unknownType, device(prefix + "-0"), device(prefix + "-4"));

        postJson("/v1/devices/bulk", Map.of("devices", devices))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.index", equalTo(List.of(1, 3, 2)))
                .body("errors.field", equalTo(List.of("name", "deviceId", "type")))
                .body("errors[1].message", containsString("also given to item 0"))
                .body("errors[2].message", containsString("create it first"));

        for (String id : List.of(prefix + "-0", prefix + "-4")) {
            admin().get("/v1/devices/{id}", id).then().statusCode(404);
        }
    }

    @Test
    void refusesExistingIdsWithoutStoringTheOthers() {
        String prefix = uniqueId("taken");
        postJson("/v1/devices/bulk", Map.of("devices", List.of(device(prefix + "-a"))))
                .statusCode(201);

        postJson("/v1/devices/bulk", Map.of("devices", List.of(device(prefix + "-b"), device(prefix + "-a"))))
                .statusCode(400)
                .body("errors[0].index", equalTo(1))
                .body("errors[0].message", containsString("already exists"));
        admin().get("/v1/devices/{id}", prefix + "-b").then().statusCode(404);
    }

    @Test
    void refusesEmptyAndOversizedRequests() {
        postJson("/v1/devices/bulk", Map.of("devices", List.of()))
                .statusCode(400)
                .body("errors[0].field", equalTo("devices"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(Map.of("name", "n" + i, "type", "sensor"));
        }
        postJson("/v1/devices/bulk", Map.of("devices", tooMany))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 1000"));
    }

    @Test
    void registersOneThousandDevicesInOneRequest() {
        String prefix = uniqueId("k");
        List<Map<String, Object>> devices = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            devices.add(Map.of(
                    "deviceId", prefix + "-" + String.format("%04d", i), "name", "Sensor " + i, "type", "sensor"));
        }

        JsonPath answer = postJson(
                        "/v1/devices/bulk", Map.of("devices", devices, "credentialExpiresAt", "2099-01-01T00:00:00Z"))
                .statusCode(201)
                .body("count", equalTo(1000))
                .extract()
                .jsonPath();

        assertThat(answer.getList("items.credential.token")).hasSize(1000).doesNotHaveDuplicates();
        assertThat(answer.getList("items.credential.expiresAt")).containsOnly("2099-01-01T00:00:00Z");
        String last = prefix + "-0999";
        admin().get("/v1/devices/{id}", last).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> valuesFor(Topics.REGISTRY_DEVICES, last), list -> !list.isEmpty());
    }
}
