package io.fleetstream.query;

import io.restassured.specification.RequestSpecification;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Requests with an operator key, and the one-time wait until the service has read the published keys. */
final class Access {

    private static boolean published;
    private static boolean loaded;

    private Access() {}

    /** Publishes the test keys once per JVM and waits until the service accepts the last of them. */
    static synchronized void keysLoaded() {
        if (!published) {
            OperatorKeyFixture.publishAll();
            published = true;
        }
        if (loaded) {
            return;
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().header("Authorization", "Bearer " + OperatorKeyFixture.ROTATED_NEW)
                                .get("/v1/alerts?limit=1")
                                .statusCode()
                        == 200);
        loaded = true;
    }

    static RequestSpecification viewer() {
        return with(OperatorKeyFixture.VIEWER);
    }

    static RequestSpecification with(String key) {
        return given().header("Authorization", "Bearer " + key);
    }
}
