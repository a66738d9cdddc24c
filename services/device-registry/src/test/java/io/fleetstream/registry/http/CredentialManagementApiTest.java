package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class CredentialManagementApiTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private static JsonPath issue(String deviceId, Map<String, Object> body) {
        return postJson("/v1/devices/" + deviceId + "/credentials", body)
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    @Test
    void listsCredentialsWithoutTokensOrHashes() {
        String deviceId = uniqueId("listed");
        createDevice(deviceId, "sensor").statusCode(201);
        JsonPath first = issue(deviceId, Map.of());
        JsonPath second = issue(deviceId, Map.of("expiresAt", "2099-01-01T00:00:00Z"));

        String listing = admin().get("/v1/devices/{id}/credentials", deviceId)
                .then()
                .statusCode(200)
                .body(
                        "items.credentialId",
                        equalTo(List.of(first.getString("credentialId"), second.getString("credentialId"))))
                .body("items.status", equalTo(List.of("ACTIVE", "ACTIVE")))
                .body("items[1].expiresAt", equalTo("2099-01-01T00:00:00Z"))
                .extract()
                .asString();
        for (JsonPath issued : List.of(first, second)) {
            assertThat(listing)
                    .doesNotContain(issued.getString("token"))
                    .doesNotContain(TokenHash.of(issued.getString("token")));
        }
        admin().get("/v1/devices/{id}/credentials", "no-such-device").then().statusCode(404);
    }

    @Test
    void revokesCredentialAndPublishesRevocation() {
        String deviceId = uniqueId("revoked");
        createDevice(deviceId, "sensor").statusCode(201);
        String credentialId = issue(deviceId, Map.of()).getString("credentialId");

        Instant revokedAt = Instant.parse(admin().post("/v1/devices/{d}/credentials/{c}/revoke", deviceId, credentialId)
                .then()
                .statusCode(200)
                .body("status", equalTo("REVOKED"))
                .extract()
                .path("revokedAt"));
        // Revoking again changes nothing, through either path.
        admin().delete("/v1/devices/{d}/credentials/{c}", deviceId, credentialId)
                .then()
                .statusCode(200)
                .body("revokedAt", equalTo(revokedAt.toString()));

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, credentialId), list -> list.size() >= 2);
        assertThat(values).hasSize(2);
        assertThat(decode(DeviceCredential.class, values.get(1)).getRevokedAt()).isEqualTo(revokedAt);
        admin().post("/v1/devices/{d}/credentials/{c}/revoke", "other-device", credentialId)
                .then()
                .statusCode(404);
    }

    @Test
    void rotationIssuesNewTokenAndLetsOldOnesExpireAfterTheOverlap() {
        String deviceId = uniqueId("rotated");
        createDevice(deviceId, "sensor").statusCode(201);
        String open = issue(deviceId, Map.of()).getString("credentialId");
        String soon = issue(
                        deviceId,
                        Map.of("expiresAt", Instant.now().plusSeconds(600).toString()))
                .getString("credentialId");
        String late =
                issue(deviceId, Map.of("expiresAt", "2099-01-01T00:00:00Z")).getString("credentialId");
        String revoked = issue(deviceId, Map.of()).getString("credentialId");
        admin().post("/v1/devices/{d}/credentials/{c}/revoke", deviceId, revoked)
                .then()
                .statusCode(200);

        JsonPath rotation = postJson("/v1/devices/" + deviceId + "/credentials/rotate", Map.of("overlap", "PT1H"))
                .statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .body("credential.expiresAt", nullValue())
                .extract()
                .jsonPath();
        Instant rotatedAt = Instant.parse(rotation.getString("credential.createdAt"));
        String newToken = rotation.getString("credential.token");
        assertThat(newToken).startsWith("fst_");

        Instant overlapEnd = rotatedAt.plus(Duration.ofHours(1));
        assertThat(rotation.getList("expiring.credentialId")).containsExactlyInAnyOrder(open, late);
        assertThat(rotation.getList("expiring.expiresAt", String.class)).containsOnly(overlapEnd.toString());

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_CREDENTIALS, late), list -> list.size() == 2);
        assertThat(decode(DeviceCredential.class, values.get(1)).getExpiresAt()).isEqualTo(overlapEnd);
        admin().get("/v1/devices/{id}/credentials", deviceId)
                .then()
                .body(
                        "items.find { it.credentialId == '" + soon + "' }.expiresAt",
                        org.hamcrest.Matchers.not(equalTo(overlapEnd.toString())))
                .body("items.find { it.credentialId == '" + revoked + "' }.status", equalTo("REVOKED"))
                .body("items.size()", equalTo(5));
    }

    @Test
    void rotationWithoutOverlapEndsOldCredentialsAtOnce() {
        String deviceId = uniqueId("cut");
        createDevice(deviceId, "sensor").statusCode(201);
        String old = issue(deviceId, Map.of()).getString("credentialId");

        postJson("/v1/devices/" + deviceId + "/credentials/rotate", Map.of("overlap", 0))
                .statusCode(201);

        admin().get("/v1/devices/{id}/credentials", deviceId)
                .then()
                .body("items.find { it.credentialId == '" + old + "' }.status", equalTo("EXPIRED"));
    }

    @Test
    void rejectsInvalidOverlap() {
        String deviceId = uniqueId("bad-overlap");
        createDevice(deviceId, "sensor").statusCode(201);
        postJson("/v1/devices/" + deviceId + "/credentials/rotate", Map.of())
                .statusCode(400)
                .body("errors[0].field", equalTo("overlap"))
                .body("errors[0].message", containsString("is required"));
        postJson("/v1/devices/" + deviceId + "/credentials/rotate", Map.of("overlap", "1 hour"))
                .statusCode(400)
                .body("errors[0].message", containsString("PT1H"));
        postJson("/v1/devices/" + deviceId + "/credentials/rotate", Map.of("overlap", "P90D"))
                .statusCode(400)
                .body("errors[0].message", containsString("out of range"));
    }
}
