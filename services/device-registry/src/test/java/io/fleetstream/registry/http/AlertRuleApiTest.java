package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class AlertRuleApiTest {

    static Map<String, Object> validRule() {
        Map<String, Object> rule = new HashMap<>();
        rule.put("name", "Boiler too hot");
        rule.put("scope", Map.of("deviceType", "boiler", "labels", Map.of("site", "berlin")));
        rule.put("metric", "temperature.water_c");
        rule.put("aggregation", "AVG");
        rule.put("windowSize", "5m");
        rule.put("direction", "ABOVE");
        rule.put("raiseThreshold", 90.5);
        rule.put("clearThreshold", 85.0);
        rule.put("consecutiveWindows", 3);
        rule.put("severity", "CRITICAL");
        return rule;
    }

    static Map<String, Object> with(String field, Object value) {
        Map<String, Object> rule = validRule();
        rule.put(field, value);
        return rule;
    }

    @Test
    void createsRuleAndReturnsItByItsId() {
        String ruleId = postJson("/v1/alert-rules", validRule())
                .statusCode(201)
                .body("name", equalTo("Boiler too hot"))
                .body("scope.deviceId", nullValue())
                .body("scope.deviceType", equalTo("boiler"))
                .body("scope.labels.site", equalTo("berlin"))
                .body("metric", equalTo("temperature.water_c"))
                .body("aggregation", equalTo("AVG"))
                .body("windowSize", equalTo("5m"))
                .body("direction", equalTo("ABOVE"))
                .body("raiseThreshold", equalTo(90.5f))
                .body("clearThreshold", equalTo(85.0f))
                .body("consecutiveWindows", equalTo(3))
                .body("severity", equalTo("CRITICAL"))
                .body("enabled", equalTo(true))
                .extract()
                .path("ruleId");

        admin().get("/v1/alert-rules/{id}", ruleId)
                .then()
                .statusCode(200)
                .body("ruleId", equalTo(ruleId))
                .body("windowSize", equalTo("5m"))
                .body("consecutiveWindows", equalTo(3));
    }

    @Test
    void defaultsToOneWindowAndEnabled() {
        Map<String, Object> rule = validRule();
        rule.remove("consecutiveWindows");
        postJson("/v1/alert-rules", rule)
                .statusCode(201)
                .body("consecutiveWindows", equalTo(1))
                .body("enabled", equalTo(true));
        postJson("/v1/alert-rules", with("enabled", false)).statusCode(201).body("enabled", equalTo(false));
    }

    @Test
    void acceptsEqualThresholdsForBothDirections() {
        Map<String, Object> below = with("direction", "BELOW");
        below.put("raiseThreshold", 10);
        below.put("clearThreshold", 10);
        postJson("/v1/alert-rules", below).statusCode(201);
        Map<String, Object> above = with("clearThreshold", 90.5);
        postJson("/v1/alert-rules", above).statusCode(201);
    }

    @Test
    void rejectsClearThresholdAboveRaiseThresholdForAbove() {
        postJson("/v1/alert-rules", with("clearThreshold", 95.0))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("clearThreshold")))
                .body("errors[0].message", containsString("must be at most raiseThreshold (90.5)"));
    }

    @Test
    void rejectsClearThresholdBelowRaiseThresholdForBelow() {
        Map<String, Object> rule = with("direction", "BELOW");
        rule.put("raiseThreshold", 10.0);
        rule.put("clearThreshold", 5.0);
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors.field", equalTo(List.of("clearThreshold")))
                .body("errors[0].message", containsString("must be at least raiseThreshold (10.0)"));
    }

    @Test
    void rejectsWindowSizesOutsideTheSupportedSet() {
        postJson("/v1/alert-rules", with("windowSize", "2m"))
                .statusCode(400)
                .body("errors[0].field", equalTo("windowSize"))
                .body("errors[0].message", equalTo("'2m' is not supported; use one of 1m, 5m, 15m, 1h"));
        postJson("/v1/alert-rules", with("windowSize", "5 minutes"))
                .statusCode(400)
                .body("errors[0].message", containsString("is not a window size"));
    }

    @Test
    void rejectsConsecutiveWindowsOutOfRange() {
        postJson("/v1/alert-rules", with("consecutiveWindows", 0))
                .statusCode(400)
                .body("errors[0].field", equalTo("consecutiveWindows"))
                .body("errors[0].message", containsString("use 1 to 100"));
        postJson("/v1/alert-rules", with("consecutiveWindows", 101)).statusCode(400);
        admin().contentType(ContentType.JSON)
                .body(toJson(validRule()).replace("\"consecutiveWindows\":3", "\"consecutiveWindows\":2.5"))
                .post("/v1/alert-rules")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("consecutiveWindows"))
                .body("errors[0].message", equalTo("must be a whole number"));
    }

    @Test
    void rejectsScopeThatMatchesEveryDevice() {
        postJson("/v1/alert-rules", with("scope", Map.of("labels", Map.of())))
                .statusCode(400)
                .body("errors[0].field", equalTo("scope"))
                .body("errors[0].message", containsString("set at least one of scope.deviceId"));
        Map<String, Object> noScope = validRule();
        noScope.remove("scope");
        postJson("/v1/alert-rules", noScope).statusCode(400).body("errors[0].field", equalTo("scope"));
        postJson("/v1/alert-rules", with("scope", Map.of("deviceId", "bad id")))
                .statusCode(400)
                .body("errors[0].field", equalTo("scope.deviceId"));
    }

    @Test
    void rejectsNonFiniteAndMissingThresholds() {
        String body = toJson(validRule()).replace("\"raiseThreshold\":90.5", "\"raiseThreshold\":1e999");
        admin().contentType(ContentType.JSON)
                .body(body)
                .post("/v1/alert-rules")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("raiseThreshold"))
                .body("errors[0].message", containsString("finite number"));
        Map<String, Object> missing = validRule();
        missing.remove("clearThreshold");
        postJson("/v1/alert-rules", missing)
                .statusCode(400)
                .body("errors[0].field", equalTo("clearThreshold"))
                .body("errors[0].message", containsString("is required"));
        postJson("/v1/alert-rules", with("raiseThreshold", "high"))
                .statusCode(400)
                .body("errors[0].field", equalTo("raiseThreshold"))
                .body("errors[0].message", equalTo("must be a number"));
    }

    @Test
    void rejectsUnknownEnumValuesNamingTheAllowedOnes() {
        Map<String, Object> rule = with("aggregation", "avg");
        rule.put("direction", "UP");
        rule.put("severity", null);
        rule.put("metric", "temp/°C");
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors.field", equalTo(List.of("metric", "aggregation", "direction", "severity")))
                .body(
                        "errors[1].message",
                        equalTo("'avg' is not one of AVG, MIN, MAX, SUM, COUNT, RAW (values are upper case)"))
                .body("errors[2].message", equalTo("'UP' is not one of ABOVE, BELOW"))
                .body("errors[3].message", equalTo("is required; use one of INFO, WARNING, CRITICAL"));
    }

    @Test
    void answersNotFoundForUnknownRule() {
        admin().get("/v1/alert-rules/{id}", "no-such-rule")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("alert rule [no-such-rule] does not exist"));
    }

    @Test
    void pagesThroughRulesInRuleIdOrder() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(postJson("/v1/alert-rules", validRule())
                    .statusCode(201)
                    .extract()
                    .path("ruleId"));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = admin().queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/alert-rules")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.ruleId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        assertThat(seen).containsAll(created).doesNotHaveDuplicates().isSorted();
    }

    private static String toJson(Map<String, Object> body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
