package io.fleetstream.registry.http;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.TokenHash;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createDevice;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class CredentialApiTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void returnsTokenOnceAndStoresOnlyItsHash() throws SQLException {
        String deviceId = uniqueId("tracker");
        createDevice(deviceId, "tracker").statusCode(201);

        var response = admin().post("/v1/devices/{id}/credentials", deviceId)
                .then()
                .statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .body("deviceId", equalTo(deviceId))
                .body("expiresAt", nullValue())
                .extract();
        String token = response.path("token");
        String credentialId = response.path("credentialId");

        assertThat(token).matches("fst_[A-Za-z0-9_-]{43}");
        List<String> rows = storedCredentialRows(deviceId);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0))
                .contains(credentialId)
                .contains(TokenHash.of(token))
                .doesNotContain(token);
        assertThat(rows.get(0)).doesNotContain(token.substring(4));
        admin().get("/v1/devices/{id}", deviceId).then().body(org.hamcrest.Matchers.not(containsString(token)));
    }

    @Test
    void issuesDifferentTokensForEachRequest() throws SQLException {
        String deviceId = uniqueId("gateway");
        createDevice(deviceId, "gateway").statusCode(201);

        String first = admin().post("/v1/devices/{id}/credentials", deviceId)
                .then()
                .extract()
                .path("token");
        String second = admin().post("/v1/devices/{id}/credentials", deviceId)
                .then()
                .extract()
                .path("token");

        assertThat(first).isNotEqualTo(second);
        assertThat(storedCredentialRows(deviceId)).hasSize(2);
    }

    @Test
    void acceptsExpiryAsRfc3339OrEpochMillis() {
        String deviceId = uniqueId("expiring");
        createDevice(deviceId, "sensor").statusCode(201);

        postJson("/v1/devices/" + deviceId + "/credentials", Map.of("expiresAt", "2099-01-31T12:00:00+01:00"))
                .statusCode(201)
                .body("expiresAt", equalTo("2099-01-31T11:00:00Z"));
        long millis = Instant.parse("2098-06-01T00:00:00.250Z").toEpochMilli();
        postJson("/v1/devices/" + deviceId + "/credentials", Map.of("expiresAt", millis))
                .statusCode(201)
                .body("expiresAt", equalTo("2098-06-01T00:00:00.250Z"));
    }

    @Test
    void rejectsExpiryInThePastInSecondsOrMalformed() {
        String deviceId = uniqueId("badexpiry");
        createDevice(deviceId, "sensor").statusCode(201);
        String path = "/v1/devices/" + deviceId + "/credentials";

        postJson(path, Map.of("expiresAt", "2020-01-01T00:00:00Z"))
                .statusCode(400)
                .body("errors[0].field", equalTo("expiresAt"))
                .body("errors[0].message", containsString("is not in the future"));
        postJson(path, Map.of("expiresAt", 4_102_444_800L))
                .statusCode(400)
                .body("errors[0].message", containsString("looks like epoch seconds"));
        postJson(path, Map.of("expiresAt", "next tuesday"))
                .statusCode(400)
                .body("errors[0].message", containsString("is not an RFC 3339 time"));
        postJson(path, Map.of("expiresAt", true))
                .statusCode(400)
                .body("errors[0].message", containsString("epoch milliseconds"));
    }

    @Test
    void refusesBodyThatIsNotJson() {
        String deviceId = uniqueId("texty");
        createDevice(deviceId, "sensor").statusCode(201);

        admin().contentType(ContentType.TEXT)
                .body("expiresAt=tomorrow")
                .post("/v1/devices/{id}/credentials", deviceId)
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void answersNotFoundForCredentialOfUnknownDevice() {
        admin().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/devices/{id}/credentials", "no-such-device")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("device [no-such-device] does not exist"));
    }

    private List<String> storedCredentialRows(String deviceId) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT row_to_json(c)::text FROM registry.device_credentials c WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
        }
        return rows;
    }
}
