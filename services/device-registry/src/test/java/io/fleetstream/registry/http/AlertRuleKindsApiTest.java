package io.fleetstream.registry.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.RuleKind;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fleetstream.registry.RegistryTestSupport.admin;
import static io.fleetstream.registry.RegistryTestSupport.decode;
import static io.fleetstream.registry.RegistryTestSupport.postJson;
import static io.fleetstream.registry.RegistryTestSupport.uniqueId;
import static io.fleetstream.registry.RegistryTestSupport.valuesFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(FleetstreamInfraResource.class)
class AlertRuleKindsApiTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    static Map<String, Object> threshold() {
        Map<String, Object> rule = new HashMap<>();
        rule.put("name", "Too hot");
        rule.put("scope", Map.of("deviceType", "boiler"));
        rule.put("metric", "temp");
        rule.put("aggregation", "MAX");
        rule.put("windowSize", "1m");
        rule.put("direction", "ABOVE");
        rule.put("raiseThreshold", 90);
        rule.put("clearThreshold", 80);
        rule.put("severity", "WARNING");
        return rule;
    }

    static Map<String, Object> inactivity() {
        Map<String, Object> rule = new HashMap<>();
        rule.put("name", "Silent");
        rule.put("kind", "INACTIVITY");
        rule.put("scope", Map.of("labels", Map.of("site", "north")));
        rule.put("metric", "*");
        rule.put("inactivityTimeout", "PT5M");
        rule.put("severity", "CRITICAL");
        return rule;
    }

    @Test
    void acceptsEveryConfiguredWindowSize() {
        for (String size : List.of("1m", "5m", "15m", "1h")) {
            Map<String, Object> rule = threshold();
            rule.put("windowSize", size);
            postJson("/v1/alert-rules", rule).statusCode(201).body("windowSize", equalTo(size));
        }
        Map<String, Object> daily = threshold();
        daily.put("windowSize", "1d");
        postJson("/v1/alert-rules", daily).statusCode(400).body("errors[0].message", containsString("1m, 5m, 15m, 1h"));
    }

    @Test
    void acceptsRawThresholdWithoutWindow() {
        Map<String, Object> rule = threshold();
        rule.put("aggregation", "RAW");
        rule.remove("windowSize");
        String ruleId = postJson("/v1/alert-rules", rule)
                .statusCode(201)
                .body("kind", equalTo("THRESHOLD"))
                .body("aggregation", equalTo("RAW"))
                .body("windowSize", nullValue())
                .extract()
                .path("ruleId");

        AlertRule published = decode(
                AlertRule.class,
                await().atMost(DELIVERY)
                        .until(() -> valuesFor(Topics.REGISTRY_ALERT_RULES, ruleId), list -> !list.isEmpty())
                        .get(0));
        assertThat(published.getWindowSizeMillis()).isZero();
        assertThat(published.getKind()).isEqualTo(RuleKind.THRESHOLD);

        rule.put("windowSize", "1m");
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors[0].field", equalTo("windowSize"))
                .body("errors[0].message", containsString("not used with aggregation RAW"));
    }

    @Test
    void validatesRateOfChangeRules() {
        Map<String, Object> rule = threshold();
        rule.put("kind", "RATE_OF_CHANGE");
        postJson("/v1/alert-rules", rule).statusCode(201).body("kind", equalTo("RATE_OF_CHANGE"));

        rule.put("aggregation", "RAW");
        rule.remove("windowSize");
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors[0].field", equalTo("aggregation"))
                .body("errors[0].message", containsString("not allowed for RATE_OF_CHANGE"));
        rule.put("aggregation", "AVG");
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors[0].field", equalTo("windowSize"))
                .body("errors[0].message", containsString("is required"));
    }

    @Test
    void createsInactivityRuleOnAnyMetricAndPublishesTimeout() {
        String ruleId = postJson("/v1/alert-rules", inactivity())
                .statusCode(201)
                .body("kind", equalTo("INACTIVITY"))
                .body("metric", equalTo("*"))
                .body("inactivityTimeout", equalTo("PT5M"))
                .body("aggregation", nullValue())
                .body("raiseThreshold", nullValue())
                .extract()
                .path("ruleId");

        AlertRule published = decode(
                AlertRule.class,
                await().atMost(DELIVERY)
                        .until(() -> valuesFor(Topics.REGISTRY_ALERT_RULES, ruleId), list -> !list.isEmpty())
                        .get(0));
        assertThat(published.getKind()).isEqualTo(RuleKind.INACTIVITY);
        assertThat(published.getInactivityTimeoutMillis()).isEqualTo(300_000L);
        assertThat(published.getMetric()).isEqualTo("*");
        assertThat(published.getWindowSizeMillis()).isZero();
    }

    @Test
    void refusesThresholdFieldsOnInactivityRulesNamingEachOne() {
        Map<String, Object> rule = inactivity();
        rule.put("aggregation", "AVG");
        rule.put("direction", "ABOVE");
        rule.put("raiseThreshold", 1);
        rule.put("consecutiveWindows", 2);
        rule.put("inactivityTimeout", "PT5S");

        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body(
                        "errors.field",
                        equalTo(List.of(
                                "aggregation",
                                "direction",
                                "raiseThreshold",
                                "consecutiveWindows",
                                "inactivityTimeout")))
                .body("errors[0].message", containsString("not used by INACTIVITY rules"))
                .body("errors[4].message", containsString("PT10S"));

        Map<String, Object> missing = inactivity();
        missing.remove("inactivityTimeout");
        postJson("/v1/alert-rules", missing)
                .statusCode(400)
                .body("errors[0].field", equalTo("inactivityTimeout"))
                .body("errors[0].message", containsString("PT5M"));
    }

    @Test
    void refusesAnyMetricAndTimeoutOutsideInactivityRules() {
        Map<String, Object> rule = threshold();
        rule.put("metric", "*");
        rule.put("inactivityTimeout", "PT5M");
        postJson("/v1/alert-rules", rule)
                .statusCode(400)
                .body("errors.field", equalTo(List.of("metric", "inactivityTimeout")))
                .body("errors[0].message", containsString("only allowed for INACTIVITY"));
    }

    @Test
    void replacesPatchesTogglesAndDeletesRule() {
        String ruleId = postJson("/v1/alert-rules", threshold())
                .statusCode(201)
                .extract()
                .path("ruleId");

        Map<String, Object> replacement = threshold();
        replacement.put("name", "Far too hot");
        replacement.put("raiseThreshold", 95);
        admin().contentType(ContentType.JSON)
                .body(replacement)
                .put("/v1/alert-rules/{id}", ruleId)
                .then()
                .statusCode(200)
                .body("name", equalTo("Far too hot"))
                .body("raiseThreshold", equalTo(95.0f));

        admin().contentType("application/merge-patch+json")
                .body("{\"clearThreshold\": 99}")
                .patch("/v1/alert-rules/{id}", ruleId)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("clearThreshold"))
                .body("errors[0].message", containsString("at most raiseThreshold"));
        admin().contentType("application/merge-patch+json")
                .body("{\"kind\": \"INACTIVITY\", \"metric\": \"*\", \"inactivityTimeout\": \"PT1H\","
                        + " \"aggregation\": null, \"windowSize\": null, \"direction\": null, \"raiseThreshold\": null,"
                        + " \"clearThreshold\": null, \"consecutiveWindows\": null}")
                .patch("/v1/alert-rules/{id}", ruleId)
                .then()
                .statusCode(200)
                .body("kind", equalTo("INACTIVITY"))
                .body("inactivityTimeout", equalTo("PT1H"))
                .body("name", equalTo("Far too hot"));

        admin().post("/v1/alert-rules/{id}/disable", ruleId)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false));
        admin().get("/v1/alert-rules?enabled=false&kind=INACTIVITY&limit=1000")
                .then()
                .statusCode(200)
                .body("items.ruleId", hasItem(ruleId));
        admin().post("/v1/alert-rules/{id}/enable", ruleId)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));

        admin().delete("/v1/alert-rules/{id}", ruleId).then().statusCode(204);
        admin().get("/v1/alert-rules/{id}", ruleId).then().statusCode(404);
        admin().delete("/v1/alert-rules/{id}", ruleId).then().statusCode(404);

        List<byte[]> values = await().atMost(DELIVERY)
                .until(() -> valuesFor(Topics.REGISTRY_ALERT_RULES, ruleId), list -> list.size() == 6);
        assertThat(decode(AlertRule.class, values.get(1)).getName()).isEqualTo("Far too hot");
        assertThat(decode(AlertRule.class, values.get(3)).getEnabled()).isFalse();
        assertThat(values.get(5)).as("tombstone").isNull();
    }

    @Test
    void filtersRuleList() {
        String metric = uniqueId("flow").replace('-', '_');
        Map<String, Object> rule = threshold();
        rule.put("metric", metric);
        rule.put("severity", "INFO");
        String ruleId =
                postJson("/v1/alert-rules", rule).statusCode(201).extract().path("ruleId");

        admin().queryParam("metric", metric)
                .get("/v1/alert-rules")
                .then()
                .statusCode(200)
                .body("items.ruleId", equalTo(List.of(ruleId)));
        admin().queryParam("metric", metric)
                .queryParam("severity", "CRITICAL")
                .get("/v1/alert-rules")
                .then()
                .body("items.size()", equalTo(0));
        admin().queryParam("kind", "SOMETIMES").get("/v1/alert-rules").then().statusCode(400);
        admin().queryParam("enabled", "yes").get("/v1/alert-rules").then().statusCode(400);
    }
}
