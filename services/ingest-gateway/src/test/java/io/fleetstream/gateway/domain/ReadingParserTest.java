package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ReadingParserTest {

    private static final Instant RECEIVED_AT = Instant.parse("2025-03-01T12:00:00Z");
    private static final long RECEIVED_MS = RECEIVED_AT.toEpochMilli();

    private final ReadingParser parser =
            new ReadingParser(new ReadingRules(Duration.ofMinutes(5), Duration.ofDays(30), 3, 4));

    private ParseOutcome parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED_AT);
    }

    private List<Reading> valid(String json) {
        ParseOutcome outcome = parse(json);
        assertThat(outcome).isInstanceOf(ParseOutcome.Valid.class);
        return ((ParseOutcome.Valid) outcome).readings();
    }

    private List<FieldError> errors(String json) {
        ParseOutcome outcome = parse(json);
        assertThat(outcome).isInstanceOf(ParseOutcome.Invalid.class);
        return ((ParseOutcome.Invalid) outcome).errors();
    }

    private FieldError onlyError(String json) {
        List<FieldError> errors = errors(json);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"metrics\": {\"a\": 1}, \"messageId\": \"a\\u0000b\"}",
                "{\"metrics\": {\"a\": 1}, \"attributes\": {\"fw\": \"1\\u0000\"}}",
                "{\"metrics\": {\"a\": 1}, \"attributes\": {\"f\\u0000w\": \"1\"}}"
            })
    void rejectsTheNulCharacterThatTheStoreCannotHold(String json) {
        assertThat(onlyError(json).message()).contains("NUL").contains("remove it");
    }

    @Test
    void acceptsSingleReadingWithEveryField() {
        List<Reading> readings = valid("{\"ts\": " + (RECEIVED_MS - 1000) + ", \"metrics\": {\"temp\": 21.5, "
                + "\"count\": 3}, \"messageId\": \"m-1\", \"attributes\": {\"fw\": \"1.2\"}}");

        assertThat(readings)
                .containsExactly(new Reading(
                        RECEIVED_AT.minusSeconds(1), "m-1", Map.of("temp", 21.5, "count", 3.0), Map.of("fw", "1.2")));
    }

    @Test
    void usesReceiptTimeWhenTsIsAbsentOrNull() {
        List<Reading> readings = valid("[{\"metrics\": {\"a\": 1}}, {\"ts\": null, \"metrics\": {\"a\": 2}}]");

        assertThat(readings).extracting(Reading::ts).containsExactly(RECEIVED_AT, RECEIVED_AT);
    }

    @Test
    void convertsRfc3339OffsetToUtc() {
        List<Reading> readings = valid("{\"ts\": \"2025-03-01T19:59:00.123+08:00\", \"metrics\": {\"a\": 1}}");

        assertThat(readings.get(0).ts()).isEqualTo(Instant.parse("2025-03-01T11:59:00.123Z"));
    }

    @Test
    void acceptsIntegersUpToTwoToTheFiftyThirdAndExactlyRepresentableLargerOnes() {
        List<Reading> readings = valid("[{\"metrics\": {\"a\": 9007199254740992, \"b\": -9007199254740992, "
                + "\"c\": 18014398509481984}}, {\"metrics\": {\"d\": 1e300, \"e\": 0.1, \"f\": "
                + "9007199254740993.0}}]");

        assertThat(readings.get(0).metrics())
                .containsEntry("a", 9007199254740992.0)
                .containsEntry("b", -9007199254740992.0)
                .containsEntry("c", 18014398509481984.0);
        assertThat(readings.get(1).metrics())
                .containsEntry("d", 1e300)
                .containsEntry("e", 0.1)
                .containsEntry("f", 9007199254740992.0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.1",
                "21.5",
                "-273.15",
                "1013.25e-3",
                "1.7976931348623157e308",
                "4.9e-324",
                "2.2250738585072011e-308",
                "0.30000000000000004441",
                "123456789.123456789123456789"
            })
    void storesEveryDecimalAsItsNearestDouble(String value) {
        List<Reading> readings = valid("{\"metrics\": {\"m\": " + value + "}}");

        assertThat(readings.get(0).metrics()).containsEntry("m", new BigDecimal(value).doubleValue());
    }

    @Test
    void storesNegativeZeroAsZero() {
        List<Reading> readings = valid("{\"metrics\": {\"a\": -0.0, \"b\": 0e5, \"c\": -0}}");

        assertThat(readings.get(0).metrics())
                .containsEntry("a", 0.0)
                .containsEntry("b", 0.0)
                .containsEntry("c", 0.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "999999999|old",
                "9999999999|epoch seconds",
                "10000000000|old",
                "4611686018427387903|nanoseconds",
                "4611686018427387904|nanoseconds",
                "9223372036854775808|nanoseconds"
            })
    void judgesTimestampsAtTheEdgesOfTheirDigitCountsAndOfALong(String ts, String hint) {
        FieldError error = onlyError("{\"ts\": " + ts + ", \"metrics\": {\"a\": 1}}");

        assertThat(error.field()).isEqualTo("ts");
        assertThat(error.message()).contains(hint);
        assertThat(error.reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @Test
    void rejectsTimestampInSeconds() {
        FieldError error = onlyError("{\"ts\": 1740830400, \"metrics\": {\"a\": 1}}");

        assertThat(error.index()).isEqualTo(0);
        assertThat(error.field()).isEqualTo("ts");
        assertThat(error.message()).contains("epoch seconds").contains("1740830400000");
        assertThat(error.reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1740830400000.5", "1.7408304E12", "-1740830400000", "true", "{}", "[1]"})
    void rejectsTimestampThatIsNotANonNegativeInteger(String ts) {
        FieldError error = onlyError("{\"ts\": " + ts + ", \"metrics\": {\"a\": 1}}");

        assertThat(error.field()).isEqualTo("ts");
        assertThat(error.reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @Test
    void rejectsTimestampTooFarInTheFuture() {
        FieldError error = onlyError(
                "{\"ts\": " + (RECEIVED_MS + Duration.ofMinutes(6).toMillis()) + ", \"metrics\": {\"a\": 1}}");

        assertThat(error.message()).contains("6m ahead").contains("at most 5m");
    }

    @Test
    void acceptsTimestampJustInsideTheSkew() {
        assertThat(valid("{\"ts\": " + (RECEIVED_MS + Duration.ofMinutes(5).toMillis()) + ", \"metrics\": {\"a\": 1}}"))
                .hasSize(1);
    }

    @Test
    void rejectsTimestampInMicrosecondsWithAHint() {
        FieldError error = onlyError("{\"ts\": " + RECEIVED_MS + "000, \"metrics\": {\"a\": 1}}");

        assertThat(error.message()).contains("microseconds");
    }

    @Test
    void rejectsTimestampOlderThanMaxAge() {
        FieldError error = onlyError("{\"ts\": \"2025-01-01T00:00:00Z\", \"metrics\": {\"a\": 1}}");

        assertThat(error.field()).isEqualTo("ts");
        assertThat(error.message()).contains("older than 30d");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2025-03-01T12:00:00|no UTC offset",
                "1740830400000|without quotes",
                "yesterday|not an RFC 3339",
                "2025-02-29T12:00:00Z|not an RFC 3339",
                "2025-03-01T12:00Z|not an RFC 3339",
                "2025-03-01T12:00:00+05|not an RFC 3339",
                "2025-03-01T12:00:00+05:00:30|not an RFC 3339"
            })
    void rejectsTimestampStringsThatAreNotRfc3339WithOffset(String ts, String hint) {
        FieldError error = onlyError("{\"ts\": \"" + ts + "\", \"metrics\": {\"a\": 1}}");

        assertThat(error.message()).contains(hint);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"21.5\"|without quotes",
                "\"warm\"|JSON numbers",
                "true|send 1 for true",
                "null|omit the metric",
                "{\"x\": 1}|flatten",
                "[1, 2]|flatten",
                "NaN|NaN",
                "Infinity|finite",
                "-Infinity|finite",
                "1e400|beyond the range",
                "-1e400|beyond the range",
                "1e-400|too close to zero",
                "9007199254740993|stored as 9007199254740992",
                "123456789012345678901234567890|cannot hold it exactly"
            })
    void rejectsMetricValuesThatAreNotFiniteExactNumbers(String value, String hint) {
        FieldError error = onlyError("{\"metrics\": {\"m\": " + value + "}}");

        assertThat(error.index()).isEqualTo(0);
        assertThat(error.field()).isEqualTo("metrics.m");
        assertThat(error.message()).contains(hint);
        assertThat(error.reason()).isEqualTo(RejectionReason.INVALID_METRIC_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "has space",
                "température",
                "a/b",
                "x1234567890123456789012345678901234567890123456789012345678901234"
            })
    void rejectsMetricNamesOutsideTheAllowedAlphabetAndLength(String name) {
        FieldError error = onlyError("{\"metrics\": {\"" + name + "\": 1}}");

        assertThat(error.field()).isEqualTo("metrics." + name);
        assertThat(error.reason()).isEqualTo(RejectionReason.INVALID_METRIC_NAME);
    }

    @Test
    void acceptsMetricNamesUsingEveryAllowedCharacter() {
        String name = "Az09_.:-" + "x".repeat(56);

        assertThat(valid("{\"metrics\": {\"" + name + "\": 1}}").get(0).metrics())
                .containsKey(name);
    }

    @Test
    void rejectsMissingEmptyOrNonObjectMetrics() {
        List<FieldError> errors = errors("[{\"ts\": " + RECEIVED_MS + "}, {\"metrics\": {}}, {\"metrics\": [1]}]");

        assertThat(errors)
                .extracting(FieldError::index, FieldError::field, FieldError::reason)
                .containsExactly(
                        tuple(0, "metrics", RejectionReason.INVALID_METRICS),
                        tuple(1, "metrics", RejectionReason.INVALID_METRICS),
                        tuple(2, "metrics", RejectionReason.INVALID_METRICS));
    }

    @Test
    void rejectsTooManyMetricsPerReading() {
        FieldError error = onlyError("{\"metrics\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}}");

        assertThat(error.field()).isEqualTo("metrics");
        assertThat(error.message()).contains("5 metrics").contains("at most 4");
    }

    @Test
    void rejectsDuplicateMetricNames() {
        FieldError error = onlyError("{\"metrics\": {\"a\": 1, \"a\": 2}}");

        assertThat(error.field()).isEqualTo("metrics.a");
        assertThat(error.message()).contains("more than once");
    }

    @Test
    void rejectsAttributeValuesThatAreNotStrings() {
        List<FieldError> errors = errors("{\"metrics\": {\"a\": 1}, \"attributes\": {\"ok\": \"x\", \"n\": 42, "
                + "\"b\": false, \"o\": {}, \"z\": null}}");

        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactly("attributes.n", "attributes.b", "attributes.o", "attributes.z");
        assertThat(errors.get(0).message()).contains("\"42\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "42", "{}"})
    void rejectsMessageIdThatIsNotAShortString(String messageId) {
        FieldError error = onlyError("{\"metrics\": {\"a\": 1}, \"messageId\": " + messageId + "}");

        assertThat(error.field()).isEqualTo("messageId");
    }

    @Test
    void rejectsMessageIdLongerThan128Characters() {
        assertThat(valid("{\"metrics\": {\"a\": 1}, \"messageId\": \"" + "m".repeat(128) + "\"}"))
                .hasSize(1);
        FieldError error = onlyError("{\"metrics\": {\"a\": 1}, \"messageId\": \"" + "m".repeat(129) + "\"}");

        assertThat(error.message()).contains("129 characters");
    }

    @Test
    void rejectsUnknownFieldsWithAHint() {
        List<FieldError> errors = errors("{\"timestamp\": 1, \"metrics\": {\"a\": 1}, \"deviceId\": \"d\", \"x\": 1}");

        assertThat(errors).extracting(FieldError::field).containsExactly("timestamp", "deviceId", "x");
        assertThat(errors.get(0).message()).contains("did you mean ts?");
        assertThat(errors.get(1).message()).contains("credential");
        assertThat(errors).allSatisfy(error -> assertThat(error.reason()).isEqualTo(RejectionReason.UNKNOWN_FIELD));
    }

    @Test
    void listsEveryErrorOfEveryReadingWithItsIndex() {
        List<FieldError> errors =
                errors("[{\"metrics\": {\"a\": 1}}, {\"ts\": 1740830400, \"metrics\": {\"b\": " + "\"x\"}}, 7]");

        assertThat(errors)
                .extracting(FieldError::index, FieldError::field)
                .containsExactly(tuple(1, "ts"), tuple(1, "metrics.b"), tuple(2, ""));
        assertThat(((ParseOutcome.Invalid) parse("[{\"metrics\": {\"a\": 1}}, 7]")).readingCount())
                .isEqualTo(2);
    }

    @Test
    void stopsAtTheReadingLimit() {
        ParseOutcome outcome = parse("[{\"metrics\": {\"a\": 1}}, {\"metrics\": {\"a\": 1}}, {\"metrics\": {\"a\": 1}},"
                + " {\"metrics\": {\"a\": 1}}]");

        assertThat(outcome).isEqualTo(new ParseOutcome.TooManyReadings(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"metrics\": {\"a\": 1}", "{\"metrics\": {\"a\": 1}} trailing", "{'metrics': 1}"})
    void reportsMalformedJson(String body) {
        assertThat(parse(body)).isInstanceOf(ParseOutcome.Malformed.class);
    }

    @Test
    void rejectsBodiesThatAreNeitherObjectNorArray() {
        assertThat(onlyError("42").index()).isNull();
        assertThat(onlyError("[]").message()).contains("empty");
    }
}
