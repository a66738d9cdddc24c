package io.fleetstream.gateway.http;

import io.fleetstream.gateway.kafka.DeviceDirectory;
import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Device lifecycle states and credential changes, as the registry publishes them, decide what the gateway accepts. */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class DeviceLifecycleTest {

    private static final long TS_MS = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
    private static final String READING = "{\"ts\": " + TS_MS + ", \"metrics\": {\"a\": 1}}";

    @Inject
    DeviceDirectory devices;

    private static String token(String name) {
        return "tok-" + name + "-5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "PROVISIONED, not activated yet; an operator must activate it",
        "SUSPENDED, is suspended; an operator must reactivate it",
        "DECOMMISSIONED, is decommissioned and may no longer send telemetry"
    })
    void refusesDeviceThatIsNotActiveWith403SayingWhatTheOperatorMustDo(DeviceState state, String hint) {
        String deviceId = "life-" + state.name().toLowerCase();
        String token = token(deviceId);
        GatewayKafka.publishDevice(deviceId, state);
        GatewayKafka.publishCredential("cred-" + deviceId, deviceId, token, null, null);
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(token, READING)
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("type", equalTo("urn:fleetstream:problem:device-not-active"))
                .body("detail", containsString("device [" + deviceId + "]"))
                .body("detail", containsString(hint)));

        assertThat(GatewayKafka.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void refusesCredentialOfUnregisteredDeviceWith403() {
        String token = token("unregistered");
        GatewayKafka.publishCredential("cred-unregistered", "life-unregistered", token, null, null);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(token, READING)
                .statusCode(403)
                .body("detail", containsString("is not registered; an operator must register it")));
    }

    @Test
    void refusesCredentialOfDeletedDeviceWith401() {
        String token = token("deleted");
        GatewayKafka.publishActiveDevice("cred-life-deleted", "life-deleted", token);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(token, READING).statusCode(202));

        GatewayKafka.publishRaw(Topics.REGISTRY_DEVICES, "life-deleted", null);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(token, READING)
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("was deleted")));
    }

    @Test
    void appliesASuspensionWithinSecondsOfItReachingTheTopic() {
        String token = token("prompt");
        GatewayKafka.publishActiveDevice("cred-life-prompt", "life-prompt", token);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(token, READING).statusCode(202));

        GatewayKafka.publishDevice("life-prompt", DeviceState.SUSPENDED);
        long published = System.nanoTime();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> TelemetryResourceTest.post(token, READING).statusCode(403));
        Duration took = Duration.ofNanos(System.nanoTime() - published);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(devices.state("life-prompt")).isEqualTo(DeviceState.SUSPENDED);
    }

    /** One request of the sender: which token it used, its messageId and the answer. */
    private record Sent(String token, String messageId, int status, long sentAtMillis) {}

    @Test
    void acceptsExactlyWhatTheLifecycleAllowsWhileTheDeviceSends() throws Exception {
        String deviceId = "life-sender";
        String oldToken = token("sender-old");
        String newToken = token("sender-new");
        GatewayKafka.publishActiveDevice("cred-sender-old", deviceId, oldToken);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(oldToken, READING)
                .statusCode(202));
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<List<String>> tokens = new AtomicReference<>(List.of(oldToken));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            RawHttp http = new RawHttp();
            for (int i = 0; running.get(); i++) {
                List<String> current = tokens.get();
                String token = current.get(i % current.size());
                String messageId = "life-sender-" + i;
                String body = "{\"ts\": " + (TS_MS + i) + ", \"metrics\": {\"seq\": " + i + "}, \"messageId\": \""
                        + messageId + "\"}";
                long at = System.currentTimeMillis();
                RawHttp.Answer answer = http.post(
                        "/v1/telemetry",
                        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                        body.getBytes(StandardCharsets.UTF_8));
                sent.add(new Sent(token, messageId, answer.status(), at));
            }
        });
        sender.start();
        try {
            awaitStatus(sent, oldToken, 202, 0);

            int suspendedFrom = sent.size();
            GatewayKafka.publishDevice(deviceId, DeviceState.SUSPENDED);
            int firstForbidden = awaitStatus(sent, oldToken, 403, suspendedFrom);
            awaitStatus(sent, oldToken, 403, firstForbidden + 5);
            int reactivatedFrom = sent.size();
            GatewayKafka.publishDevice(deviceId, DeviceState.ACTIVE);
            int firstAcceptedAgain = awaitStatus(sent, oldToken, 202, reactivatedFrom);

            // Rotation: a new credential, then the old one given an expiry; both work until it passes.
            GatewayKafka.publishCredential("cred-sender-new", deviceId, newToken, null, null);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TelemetryResourceTest.post(newToken, READING)
                    .statusCode(202));
            Instant oldExpires = Instant.now().plusSeconds(2);
            tokens.set(List.of(oldToken, newToken));
            GatewayKafka.publishCredential("cred-sender-old", deviceId, oldToken, oldExpires, null);
            int rotatedFrom = sent.size();
            awaitStatus(sent, newToken, 202, rotatedFrom);
            int oldRefused = awaitStatus(sent, oldToken, 401, rotatedFrom);
            awaitStatus(sent, newToken, 202, oldRefused);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> System.currentTimeMillis() > oldExpires.toEpochMilli() + 1500);
            awaitStatus(sent, oldToken, 401, sent.size());

            int revokedFrom = sent.size();
            Instant revokedAt = Instant.now();
            GatewayKafka.publishCredential("cred-sender-new", deviceId, newToken, null, revokedAt);
            int newRefused = awaitStatus(sent, newToken, 401, revokedFrom);
            awaitStatus(sent, newToken, 401, newRefused + 5);
            running.set(false);
            sender.join(60_000);

            List<Sent> all;
            synchronized (sent) {
                all = List.copyOf(sent);
            }
            // Between the first 403 and the reactivation nothing was accepted; after the old credential expired
            // (plus a second for the gateway's clock) nothing sent with it was accepted; after the first 401 of the
            // revoked credential nothing sent with it was accepted.
            assertThat(all.subList(firstForbidden, reactivatedFrom))
                    .extracting(Sent::status)
                    .containsOnly(403);
            assertThat(all.subList(firstAcceptedAgain, all.size()))
                    .filteredOn(s -> s.token().equals(oldToken) && s.sentAtMillis() > oldExpires.toEpochMilli() + 1000)
                    .extracting(Sent::status)
                    .isNotEmpty()
                    .containsOnly(401);
            assertThat(all.subList(newRefused, all.size()))
                    .filteredOn(s -> s.token().equals(newToken))
                    .extracting(Sent::status)
                    .containsOnly(401);
            assertThat(all).extracting(Sent::status).containsOnly(202, 401, 403);

            List<String> acceptedIds = all.stream()
                    .filter(s -> s.status() == 202)
                    .map(Sent::messageId)
                    .toList();
            List<String> onTopic = GatewayKafka.rawSince(before).stream()
                    .filter(w -> w.key().equals(deviceId))
                    .map(w -> w.reading().getMessageId())
                    .filter(id -> id != null && id.startsWith("life-sender-"))
                    .toList();
            assertThat(onTopic).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acceptedIds);
            Map<Integer, Long> byStatus =
                    all.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
            assertThat(byStatus).containsKeys(202, 401, 403);
        } finally {
            running.set(false);
            sender.join(60_000);
        }
    }

    /** Waits until a request sent with {@code token} at or after position {@code from} got {@code status}. */
    private static int awaitStatus(List<Sent> sent, String token, int status, int from) {
        AtomicReference<Integer> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    synchronized (sent) {
                        for (int i = from; i < sent.size(); i++) {
                            if (sent.get(i).token().equals(token) && sent.get(i).status() == status) {
                                found.set(i);
                                return true;
                            }
                        }
                        return false;
                    }
                });
        return found.get();
    }
}
