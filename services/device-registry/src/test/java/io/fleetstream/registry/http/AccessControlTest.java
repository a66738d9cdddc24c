package io.fleetstream.registry.http;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.OperatorKey;
import io.fleetstream.schema.OperatorRole;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.ADMIN_KEY;
import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.createKey;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static io.fleetstream.registry.RegistryTestSupport.withKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class AccessControlTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void refusesRequestsWithoutKeyWithBearerChallenge() {
        given().get("/v1/devices")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401))
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Basic dXNlcjpwYXNz")
                .get("/v1/device-types")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("Bearer scheme"));
    }

    @Test
    void refusesUnknownKeyWithoutEchoingIt() {
        String unknown = "fsk_this-key-was-never-issued-000000000000";
        withKey(unknown)
                .get("/v1/alert-rules")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("unknown, expired or revoked"))
                .body(not(containsString(unknown)));
    }

    @Test
    void refusesRevokedKey() {
        JsonPath created = postJson("/v1/api-keys", Map.of("name", "short-lived", "role", "VIEWER"))
                .statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .extract()
                .jsonPath();
        String key = created.getString("key");
        assertThat(key).matches("fsk_[A-Za-z0-9_-]{43}");
        withKey(key).get("/v1/devices").then().statusCode(200);

        admin().post("/v1/api-keys/{id}/revoke", created.getString("keyId"))
                .then()
                .statusCode(200)
                .body("revokedAt", not(nullValue()))
                .body(not(containsString("keyHash")));

        withKey(key).get("/v1/devices").then().statusCode(401);
    }

    @Test
    void refusesExpiredKey() throws SQLException {
        String key = "fsk_expired-key-for-test-" + uniqueId("k");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO registry.operator_keys (key_id, name,"
                                + " role, key_hash, created_at, expires_at) VALUES (?, 'expired', 'ADMIN', ?, ?, ?)")) {
            insert.setString(1, uniqueId("expired"));
            insert.setString(2, TokenHash.of(key));
            insert.setTimestamp(3, Timestamp.from(Instant.parse("2024-01-01T00:00:00Z")));
            insert.setTimestamp(4, Timestamp.from(Instant.parse("2024-02-01T00:00:00Z")));
            insert.executeUpdate();
        }

        withKey(key).get("/v1/devices").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
    }

    @Test
    void viewerReadsButCannotChange() {
        String viewer = createKey("VIEWER");
        withKey(viewer).get("/v1/devices").then().statusCode(200);
        withKey(viewer).get("/v1/device-types").then().statusCode(200);
        withKey(viewer).get("/v1/alert-rules").then().statusCode(200);

        withKey(viewer)
                .contentType(ContentType.JSON)
                .body(Map.of("type", uniqueId("viewer-type")))
                .post("/v1/device-types")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("needs role OPERATOR"))
                .body("detail", containsString("has role VIEWER"));
        withKey(viewer).delete("/v1/alert-rules/{id}", "anything").then().statusCode(403);
        withKey(viewer).get("/v1/audit").then().statusCode(403).body("detail", containsString("ADMIN"));
    }

    @Test
    void operatorChangesDevicesButNotKeysOrAudit() {
        String operator = createKey("OPERATOR");
        String type = uniqueId("op-type");
        withKey(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("type", type))
                .post("/v1/device-types")
                .then()
                .statusCode(201);
        withKey(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Operated", "type", type))
                .post("/v1/devices")
                .then()
                .statusCode(201);

        withKey(operator).get("/v1/api-keys").then().statusCode(403).body("detail", containsString("needs role ADMIN"));
        withKey(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "escalation", "role", "ADMIN"))
                .post("/v1/api-keys")
                .then()
                .statusCode(403);
        withKey(operator).get("/v1/audit").then().statusCode(403);
        withKey(operator).get("/v1//api-keys").then().statusCode(org.hamcrest.Matchers.not(200));
        withKey(operator).get("/v1/./audit").then().statusCode(org.hamcrest.Matchers.not(200));
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/v1/devices/bulk"))
                .body(containsString("bearer"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void validatesNewKeys() {
        postJson("/v1/api-keys", Map.of("name", " ", "role", "ROOT"))
                .statusCode(400)
                .body("errors.field", equalTo(List.of("name", "role")))
                .body("errors[1].message", containsString("VIEWER, OPERATOR, ADMIN"));
        postJson("/v1/api-keys", Map.of("name", "old", "role", "VIEWER", "expiresAt", "2020-01-01T00:00:00Z"))
                .statusCode(400)
                .body("errors[0].field", equalTo("expiresAt"))
                .body("errors[0].message", containsString("not in the future"));
    }

    @Test
    void listsKeysWithoutSecrets() {
        String key = createKey("VIEWER");
        String listing = admin().queryParam("limit", 1000)
                .get("/v1/api-keys")
                .then()
                .statusCode(200)
                .body("items.find { it.keyId == 'bootstrap' }.role", equalTo("ADMIN"))
                .extract()
                .asString();
        assertThat(listing)
                .doesNotContain(key)
                .doesNotContain(TokenHash.of(key))
                .doesNotContain(ADMIN_KEY);
    }

    @Test
    void publishesEveryKeyChangeToTheOperatorKeyTopic() {
        JsonPath created = postJson("/v1/api-keys", Map.of("name", "published", "role", "OPERATOR"))
                .statusCode(201)
                .extract()
                .jsonPath();
        String keyId = created.getString("keyId");
        admin().post("/v1/api-keys/{id}/revoke", keyId).then().statusCode(200);

        List<byte[]> values = await().atMost(Duration.ofSeconds(30))
                .until(() -> valuesFor(Topics.REGISTRY_OPERATOR_KEYS, keyId), list -> list.size() >= 2);
        OperatorKey first = decode(OperatorKey.class, values.get(0));
        OperatorKey last = decode(OperatorKey.class, values.get(values.size() - 1));
        assertThat(first.getRole()).isEqualTo(OperatorRole.OPERATOR);
        assertThat(first.getName()).isEqualTo("published");
        assertThat(first.getKeyHash()).isEqualTo(TokenHash.of(created.getString("key")));
        assertThat(first.getRevokedAt()).isNull();
        assertThat(last.getRevokedAt()).isNotNull();

        List<byte[]> bootstrap = await().atMost(Duration.ofSeconds(30))
                .until(() -> valuesFor(Topics.REGISTRY_OPERATOR_KEYS, "bootstrap"), list -> !list.isEmpty());
        OperatorKey installed = decode(OperatorKey.class, bootstrap.get(bootstrap.size() - 1));
        assertThat(installed.getRole()).isEqualTo(OperatorRole.ADMIN);
        assertThat(installed.getKeyHash()).isEqualTo(TokenHash.of(ADMIN_KEY));
    }

    @Test
    void recordsTheActingKeyInTheAuditLog() {
        String operator = createKey("OPERATOR");
        String operatorKeyId = withKey(ADMIN_KEY)
                .queryParam("limit", 1)
                .queryParam("resourceType", "api-key")
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .path("items[0].resourceId");
        String type = uniqueId("audited");
        withKey(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("type", type, "description", "made by the operator"))
                .post("/v1/device-types")
                .then()
                .statusCode(201);

        admin().queryParam("resourceType", "device-type")
                .queryParam("resourceId", type)
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].action", equalTo("device-type.created"))
                .body("items[0].actor.keyId", equalTo(operatorKeyId))
                .body("items[0].actor.name", equalTo("test operator"))
                .body("items[0].change.after.description", equalTo("made by the operator"));
    }
}
