package io.fleetstream.gateway.http;

import io.fleetstream.infra.FleetstreamInfraResource;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TelemetryReading;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends 10,000 random malformed or hostile requests (fixed seed) and checks that none is answered with a 5xx, that the
 * gateway is still ready afterwards, and that every record it wrote meanwhile is a valid reading of an active device:
 * exactly as many as the 202 answers reported accepted.
 */
@QuarkusTest
@QuarkusTestResource(
        value = FleetstreamInfraResource.class,
        initArgs = @ResourceArg(name = FleetstreamInfraResource.SERVERS, value = "kafka"))
class HostileInputFuzzTest {

    private static final long SEED = 20250301L;
    private static final int REQUESTS = 10_000;
    private static final Duration TIME_LIMIT = Duration.ofMinutes(5);
    private static final String DEVICE = "fuzz-1";
    private static final String TOKEN = "tok-fuzz-1-4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";
    private static final String SUSPENDED_TOKEN = "tok-fuzz-suspended-8e7d6c5b4a3f2e1d0c9b8a7f6e5";
    private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\":(\\d+)");
    private static final Set<Integer> EXPECTED_STATUSES = Set.of(202, 400, 401, 403, 404, 405, 413, 415, 429);
    private static final String[] FRAGMENTS = {
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "\"ts\"",
        "\"metrics\"",
        "\"values\"",
        "\"messageId\"",
        "\"attributes\"",
        "1",
        "-0",
        "1e999",
        "-1e-999",
        "NaN",
        "Infinity",
        "-Infinity",
        "true",
        "false",
        "null",
        "\"a\"",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\uDFFF\\uD800\"",
        "1740830400",
        "1740830400000",
        "9007199254740993",
        "0.1",
        "1.7976931348623157e309",
        "\"2025-03-01T12:00:00Z\"",
        "\"2025-03-01T12:00:00\"",
        " ",
        "\n",
        "\t",
        "//",
        "/*",
        "'",
        "\\",
        "\u00e9",
        "\u0000"
    };

    private final Random random = new Random(SEED);
    private final long tsBase = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();

    @Test
    void survivesHostileInputWithout5xxAndWritesOnlyValidReadings() {
        GatewayKafka.publishActiveDevice("cred-fuzz-1", DEVICE, TOKEN);
        GatewayKafka.publishDevice("fuzz-suspended", DeviceState.SUSPENDED);
        GatewayKafka.publishCredential("cred-fuzz-suspended", "fuzz-suspended", SUSPENDED_TOKEN, null, null);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(SUSPENDED_TOKEN, "{\"metrics\": {\"a\": 1}}")
                        .statusCode(403));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> TelemetryResourceTest.post(TOKEN, "{\"metrics\": {\"a\": 1}}")
                        .statusCode(202));
        Map<TopicPartition, Long> before = GatewayKafka.rawEndOffsets();

        RawHttp http = new RawHttp();
        Map<Integer, Integer> byStatus = new HashMap<>();
        long acceptedReported = 0;
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        int sent = 0;
        for (; sent < REQUESTS && System.nanoTime() < deadline; sent++) {
            boolean thingsBoard = random.nextInt(5) == 0;
            String token = token();
            Map<String, String> headers = new HashMap<>();
            headers.put("Content-Type", contentType());
            String path;
            if (thingsBoard) {
                // Kept under the HTTP server's 4 KiB request-line limit, which the gateway does not answer itself.
                String inPath = token == null || token.isBlank() ? "x" : urlSafe(token);
                path = "/api/v1/" + inPath.substring(0, Math.min(inPath.length(), 1000)) + "/telemetry";
            } else {
                path = "/v1/telemetry";
                headers.put("Authorization", authorization(token));
            }
            byte[] body = body(thingsBoard);
            RawHttp.Answer answer = http.post(path, headers, body);
            byStatus.merge(answer.status(), 1, Integer::sum);
            assertThat(answer.status())
                    .as("request %d to %s with body %s", sent, path, preview(body))
                    .isIn(EXPECTED_STATUSES);
            if (answer.status() == 202) {
                Matcher matcher = ACCEPTED.matcher(answer.body());
                assertThat(matcher.find()).isTrue();
                acceptedReported += Long.parseLong(matcher.group(1));
            } else {
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                assertThat(answer.body())
                        .doesNotContain(TOKEN)
                        .doesNotContain("Exception")
                        .doesNotContain("at io.");
            }
        }

        assertThat(sent).as("requests sent within %s", TIME_LIMIT).isEqualTo(REQUESTS);
        assertThat(byStatus).containsKeys(202, 400, 401, 403, 413, 415);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);

        List<GatewayKafka.Written> written = GatewayKafka.rawSince(before);
        assertThat(written).hasSize((int) acceptedReported);
        for (GatewayKafka.Written record : written) {
            TelemetryReading reading = record.reading();
            assertThat(record.key()).isEqualTo(DEVICE);
            assertThat(reading.getDeviceId()).isEqualTo(DEVICE);
            assertThat(record.timestamp()).isEqualTo(reading.getTs().toEpochMilli());
            assertThat(reading.getTs())
                    .isBetween(
                            reading.getReceivedAt().minus(Duration.ofDays(20000)),
                            reading.getReceivedAt().plusSeconds(300));
            assertThat(reading.getMetrics()).isNotEmpty();
            reading.getMetrics().forEach((name, value) -> {
                assertThat(METRIC_NAME.matcher(name).matches()).as(name).isTrue();
                assertThat(Double.isFinite(value)).isTrue();
            });
            if (reading.getMessageId() != null) {
                assertThat(reading.getMessageId().length()).isBetween(1, 128);
            }
        }
    }

    private String token() {
        return switch (random.nextInt(10)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> randomAscii(1 + random.nextInt(60));
            case 3 -> "x".repeat(4000);
            case 4 -> SUSPENDED_TOKEN;
            default -> TOKEN;
        };
    }

    private String authorization(String token) {
        return switch (random.nextInt(12)) {
            case 0 -> null;
            case 1 -> "Basic " + randomAscii(20);
            case 2 -> "Bearer";
            case 3 -> "bearer    " + (token == null ? "" : token) + "   ";
            default -> token == null ? null : "Bearer " + token;
        };
    }

    private String contentType() {
        return switch (random.nextInt(14)) {
            case 0 -> null;
            case 1 -> "text/plain";
            case 2 -> "application/xml";
            case 3 -> "application/json; charset=ISO-8859-1";
            case 4 -> randomAscii(12);
            case 5 -> "application/json; charset=\"utf-8\"; q=0.5";
            case 6 -> "APPLICATION/JSON";
            default -> "application/json";
        };
    }

    private byte[] body(boolean thingsBoard) {
        int kind = random.nextInt(100);
        if (kind < 12) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return bytes;
        }
        if (kind < 30) {
            return utf8(garbage());
        }
        if (kind < 50) {
            return mutate(utf8(thingsBoard ? validThingsBoard() : validReadings()));
        }
        if (kind < 55) {
            return utf8(deepNesting());
        }
        if (kind < 62) {
            return utf8(hugeNumbers(thingsBoard));
        }
        if (kind < 68) {
            return utf8(duplicateKeys(thingsBoard));
        }
        if (kind < 69) {
            return utf8("{\"metrics\": {\"a\": 1}, \"attributes\": {\"blob\": \"" + "x".repeat(1_100_000) + "\"}}");
        }
        if (kind < 72) {
            return invalidUtf8();
        }
        return utf8(thingsBoard ? validThingsBoard() : validReadings());
    }

    private String validReadings() {
        int count = 1 + random.nextInt(5);
        StringBuilder body = new StringBuilder(count > 1 || random.nextBoolean() ? "[" : "");
        boolean array = body.length() > 0;
        for (int i = 0; i < (array ? count : 1); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"ts\": ").append(tsBase + random.nextInt(1_000_000)).append(", \"metrics\": {");
            int metrics = 1 + random.nextInt(3);
            for (int m = 0; m < metrics; m++) {
                body.append(m == 0 ? "" : ",")
                        .append("\"m")
                        .append(m)
                        .append("\": ")
                        .append(random.nextGaussian() * 100);
            }
            body.append('}');
            if (random.nextBoolean()) {
                body.append(", \"messageId\": \"fz-")
                        .append(random.nextInt(2000))
                        .append('"');
            }
            if (random.nextInt(4) == 0) {
                body.append(", \"attributes\": {\"fw\": \"")
                        .append(random.nextInt(9))
                        .append(".0\"}");
            }
            body.append('}');
        }
        return body.append(array ? "]" : "").toString();
    }

    private String validThingsBoard() {
        return switch (random.nextInt(3)) {
            case 0 -> "{\"temperature\": " + random.nextInt(100) + ", \"humidity\": " + random.nextDouble() + "}";
            case 1 ->
                "{\"ts\": " + (tsBase + random.nextInt(1_000_000)) + ", \"values\": {\"energy\": "
                        + random.nextInt(1000) + "}}";
            default ->
                "[{\"ts\": " + (tsBase + random.nextInt(1_000_000)) + ", \"values\": {\"energy\": 1}}, " + "{\"ts\": "
                        + (tsBase + random.nextInt(1_000_000)) + ", \"values\": {\"power\": 2.5}}]";
        };
    }

    private String garbage() {
        StringBuilder text = new StringBuilder();
        int parts = random.nextInt(40);
        for (int i = 0; i < parts; i++) {
            text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
        }
        return text.toString();
    }

    private byte[] mutate(byte[] body) {
        byte[] copy = body.clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations && copy.length > 0; i++) {
            int at = random.nextInt(copy.length);
            switch (random.nextInt(3)) {
                case 0 -> copy[at] = (byte) random.nextInt(256);
                case 1 -> copy[at] = (byte) "{}[]:,\"0-e.".charAt(random.nextInt(11));
                default -> {
                    byte[] shorter = new byte[copy.length - 1];
                    System.arraycopy(copy, 0, shorter, 0, at);
                    System.arraycopy(copy, at + 1, shorter, at, copy.length - at - 1);
                    copy = shorter;
                }
            }
        }
        return copy;
    }

    private String deepNesting() {
        int depth = 100 + random.nextInt(20_000);
        return switch (random.nextInt(3)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"metrics\": {\"a\": " + "[".repeat(depth) + "]".repeat(depth) + "}}";
            default -> "{\"attributes\": " + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
        };
    }

    private String hugeNumbers(boolean thingsBoard) {
        String number =
                switch (random.nextInt(6)) {
                    case 0 -> "9".repeat(300 + random.nextInt(3000));
                    case 1 -> "1e" + (300 + random.nextInt(100_000));
                    case 2 -> "-1e-" + (300 + random.nextInt(1000));
                    case 3 -> "0." + "0".repeat(random.nextInt(2000)) + "1";
                    case 4 -> Long.toString(Long.MAX_VALUE) + "0";
                    default -> "9007199254740993";
                };
        String ts = random.nextBoolean() ? number : Long.toString(tsBase);
        return thingsBoard
                ? "{\"ts\": " + ts + ", \"values\": {\"a\": " + number + "}}"
                : "{\"ts\": " + ts + ", \"metrics\": {\"a\": " + number + "}}";
    }

    private String duplicateKeys(boolean thingsBoard) {
        if (thingsBoard) {
            return "{\"a\": 1, \"a\": 2, \"ts\": 1, \"ts\": 2}";
        }
        return switch (random.nextInt(3)) {
            case 0 -> "{\"ts\": " + tsBase + ", \"ts\": " + tsBase + ", \"metrics\": {\"a\": 1}}";
            case 1 -> "{\"metrics\": {\"a\": 1, \"a\": 2}}";
            default ->
                "{\"metrics\": {\"a\": 1}, \"metrics\": {\"b\": 1}, \"attributes\": {\"k\": \"1\", \"k\": \"2\"}}";
        };
    }

    private byte[] invalidUtf8() {
        byte[] prefix = utf8("{\"metrics\": {\"a\": 1}, \"attributes\": {\"k\": \"");
        byte[][] bad = {
            {(byte) 0xC3},
            {(byte) 0xFF, (byte) 0xFE},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}
        };
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] suffix = utf8("\"}}");
        byte[] body = new byte[prefix.length + middle.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(middle, 0, body, prefix.length, middle.length);
        System.arraycopy(suffix, 0, body, prefix.length + middle.length, suffix.length);
        return body;
    }

    private String randomAscii(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
        }
        return text.toString();
    }

    private static String urlSafe(String token) {
        StringBuilder safe = new StringBuilder();
        for (char c : token.toCharArray()) {
            safe.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : 'q');
        }
        return safe.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return body.length > 200 ? text + "... (" + body.length + " bytes)" : text;
    }
}
