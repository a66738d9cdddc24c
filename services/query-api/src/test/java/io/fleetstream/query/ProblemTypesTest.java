package io.fleetstream.query;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.fleetstream.query.Access.viewer;
import static io.fleetstream.query.Access.with;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Every problem names its kind as urn:fleetstream:problem:slug, with the registry's slug where it means the same. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.TOPICS, value = QueryApiTest.TOPICS))
class ProblemTypesTest {

    private static final TelemetryFixture DB = new TelemetryFixture();

    @BeforeAll
    static void emptyStore() {
        DB.reset();
    }

    @BeforeEach
    void keysLoaded() {
        Access.keysLoaded();
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status, String slug) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("urn:fleetstream:problem:" + slug));
    }

    @Test
    void invalidParameterIsInvalidRequest() {
        problem(viewer().get("/v1/alerts?severity=urgent").then(), 400, "invalid-request")
                .body("errors[0].field", equalTo("severity"));
        problem(
                viewer().urlEncodingEnabled(false)
                        .get("/v1/devices/a%00b/latest")
                        .then(),
                400,
                "invalid-request");
    }

    @Test
    void acknowledgementBodyThatIsNotJsonIsMalformedJson() {
        problem(
                        with(OperatorKeyFixture.OPERATOR)
                                .contentType("application/json")
                                .body("{\"note\": ")
                                .post("/v1/alerts/any/acknowledge")
                                .then(),
                        400,
                        "malformed-json")
                .body("errors[0].field", equalTo("body"));
        problem(
                with(OperatorKeyFixture.OPERATOR)
                        .contentType("application/json")
                        .body("[1]")
                        .post("/v1/alerts/any/acknowledge")
                        .then(),
                400,
                "invalid-request");
    }

    @Test
    void missingOrUnknownKeyIsUnauthenticated() {
        problem(given().get("/v1/alerts").then(), 401, "unauthenticated");
        problem(with("no-such-key-9150").get("/v1/alerts").then(), 401, "unauthenticated");
    }

    @Test
    void roleTooLowIsForbidden() {
        problem(viewer().post("/v1/alerts/any/acknowledge").then(), 403, "forbidden");
    }

    @Test
    void unknownPathAndUnknownAlertAreNotFound() {
        problem(viewer().get("/v1/no-such-endpoint").then(), 404, "not-found");
        problem(viewer().get("/v1/alerts/no-such-alert").then(), 404, "not-found");
        problem(viewer().get("/v1/devices/no-readings/latest").then(), 404, "not-found");
    }

    @Test
    void wrongMethodIsMethodNotAllowed() {
        problem(viewer().delete("/v1/alerts").then(), 405, "method-not-allowed");
    }

    @Test
    void unacceptableAnswerTypeIsNotAcceptable() {
        problem(viewer().accept("text/csv").get("/v1/stats").then(), 406, "not-acceptable");
    }

    @Test
    void storeOutageIsUnavailable() {
        DB.execute("ALTER SCHEMA telemetry RENAME TO telemetry_hidden");
        try {
            problem(viewer().get("/v1/stats").then(), 503, "unavailable");
        } finally {
            DB.execute("ALTER SCHEMA telemetry_hidden RENAME TO telemetry");
        }
    }
}
