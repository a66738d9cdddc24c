package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ThingsBoardParserTest {

    private static final Instant RECEIVED_AT = Instant.parse("2025-03-01T12:00:00Z");
    private static final long RECEIVED_MS = RECEIVED_AT.toEpochMilli();

    private final ReadingParser parser =
            new ReadingParser(new ReadingRules(Duration.ofMinutes(5), Duration.ofDays(30), 3, 4));

    private ParseOutcome parse(String json) {
        return parser.parseThingsBoard(json.getBytes(StandardCharsets.UTF_8), RECEIVED_AT);
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

    @Test
    void datesFlatObjectAtReceipt() {
        assertThat(valid("{\"temperature\": 21.5, \"humidity\": 40}"))
                .containsExactly(
                        new Reading(RECEIVED_AT, null, Map.of("temperature", 21.5, "humidity", 40.0), Map.of()));
    }

    @Test
    void takesTsOfTsValuesObject() {
        assertThat(valid("{\"values\": {\"temperature\": 21.5}, \"ts\": " + (RECEIVED_MS - 500) + "}"))
                .containsExactly(
                        new Reading(RECEIVED_AT.minusMillis(500), null, Map.of("temperature", 21.5), Map.of()));
    }

    @Test
    void acceptsArrayOfTsValuesObjects() {
        List<Reading> readings = valid("[{\"ts\": " + (RECEIVED_MS - 2000) + ", \"values\": {\"a\": 1}}, {\"ts\": "
                + (RECEIVED_MS - 1000) + ", \"values\": {\"a\": 2}}]");

        assertThat(readings)
                .extracting(Reading::ts, r -> r.metrics().get("a"))
                .containsExactly(tuple(RECEIVED_AT.minusSeconds(2), 1.0), tuple(RECEIVED_AT.minusSeconds(1), 2.0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "string value|{\"a\": \"on\"}|a|only numbers",
                "boolean value|{\"a\": true}|a|only numbers",
                "json value|{\"a\": {\"b\": 1}}|a|only numbers",
                "null value|{\"values\": {\"a\": null}}|values.a|only numbers",
                "string in values|{\"ts\": 1740830400000, \"values\": {\"a\": \"21\"}}|values.a|only numbers",
                "NaN|{\"a\": NaN}|a|NaN",
                "inexact integer|{\"a\": 9007199254740993}|a|cannot hold it exactly",
                "exponent beyond BigDecimal|{\"a\": 19e676788878660048}|a|exponent is far beyond",
                "ts in seconds|{\"ts\": 1740830400, \"values\": {\"a\": 1}}|ts|epoch seconds",
                "ts without values|{\"ts\": 1740830400000, \"a\": 1}|ts|ts comes with values",
                "metric beside values|{\"ts\": 1740830400000, \"values\": {\"a\": 1}, \"b\": 2}|b|move the metric",
                "empty flat object|{}||no metrics",
                "empty values|{\"values\": {}}|values|values is empty",
                "values not an object|{\"values\": [1]}|values|values is an array",
                "bad metric name|{\"temp C\": 1}|temp C|A-Z a-z 0-9",
                "repeated metric|{\"a\": 1, \"a\": 2}|a|more than once",
            })
    void refusesWithTheSameRulesAsTheNativePath(String rule, String body, String field, String hint) {
        List<FieldError> errors = errors(body);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).index()).isEqualTo(0);
        assertThat(errors.get(0).field()).isEqualTo(field == null ? "" : field);
        assertThat(errors.get(0).message()).contains(hint);
    }

    @Test
    void refusesEntryThatIsNotAnObject() {
        assertThat(errors("[{\"a\": 1}, 5]"))
                .extracting(FieldError::index, FieldError::reason)
                .containsExactly(tuple(1, RejectionReason.INVALID_SHAPE));
    }

    @Test
    void stopsAtTheReadingLimit() {
        assertThat(parse("[{\"a\": 1}, {\"a\": 1}, {\"a\": 1}, {\"a\": 1}]"))
                .isEqualTo(new ParseOutcome.TooManyReadings(3));
    }
}
