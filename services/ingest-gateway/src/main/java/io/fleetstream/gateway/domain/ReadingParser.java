package io.fleetstream.gateway.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a telemetry request body token by token, so that every number is judged exactly as the device wrote it and
 * every mistake is reported with the reading's index and the field's path. It never throws for bad input: a body is
 * either valid, invalid (with every error listed), malformed JSON, or too many readings.
 *
 * <p>Thread-safe; its only state is a cache of the last request's accepted time range.
 */
public final class ReadingParser {

    /** Field names of a reading, as the contract defines them. */
    public static final String TS = "ts";

    public static final String METRICS = "metrics";
    public static final String MESSAGE_ID = "messageId";
    public static final String ATTRIBUTES = "attributes";

    // Non-numeric tokens (NaN, Infinity) are let through the parser so that they can be reported per metric rather
    // than as a syntax error of the whole body.
    // The fast double parser reads numbers straight from Jackson's buffer into the same correctly rounded double as
    // Double.parseDouble, without a String per number.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    // RFC 3339 exactly: seconds required, offset Z or +hh:mm, and a date that exists (strict resolution refuses
    // 2024-02-30 rather than moving it to the 29th). A leap second (:60) cannot be represented and is refused.
    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendValue(ChronoField.YEAR, 4)
            .appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2)
            .appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toFormatter();

    private static final BigInteger MAX_EXACT_INTEGER = BigInteger.ONE.shiftLeft(53);
    private static final int MAX_ECHOED_NAME = 80;
    private static final String READING_FIELDS = "a reading has the fields ts, metrics, messageId and attributes";
    private static final Map<String, String> FIELD_HINTS = Map.ofEntries(
            Map.entry("timestamp", "did you mean ts?"),
            Map.entry("time", "did you mean ts?"),
            Map.entry("t", "did you mean ts?"),
            Map.entry("values", "did you mean metrics?"),
            Map.entry("data", "did you mean metrics?"),
            Map.entry("telemetry", "did you mean metrics?"),
            Map.entry("measurements", "did you mean metrics?"),
            Map.entry("metric", "did you mean metrics?"),
            Map.entry("messageid", "did you mean messageId?"),
            Map.entry("message_id", "did you mean messageId?"),
            Map.entry("attrs", "did you mean attributes?"),
            Map.entry("tags", "did you mean attributes?"),
            Map.entry("deviceid", "the device is identified by its credential; remove the field"),
            Map.entry("device_id", "the device is identified by its credential; remove the field"),
            Map.entry("device", "the device is identified by its credential; remove the field"));

    private final ReadingRules rules;
    private volatile Window lastWindow;

    public ReadingParser(ReadingRules rules) {
        this.rules = rules;
    }

    /**
     * Parses and validates a request body.
     *
     * @param body the raw request body
     * @param receivedAt receipt time, millisecond precision: the default {@code ts} and the reference for the accepted
     *     time range
     */
    public ParseOutcome parse(byte[] body, Instant receivedAt) {
        return parse(body, receivedAt, this::readReading);
    }

    /**
     * Parses and validates a body sent to the ThingsBoard-compatible path: a flat object of metric name to number
     * (dated {@code receivedAt}), an object {@code {"ts": ms, "values": {...}}}, or an array of such objects. The same
     * rules apply as to {@link #parse}; only numbers are accepted as values, although ThingsBoard itself also takes
     * strings, booleans and JSON.
     */
    public ParseOutcome parseThingsBoard(byte[] body, Instant receivedAt) {
        return parse(body, receivedAt, this::readThingsBoardReading);
    }

    /** Reads one element of the body (the body itself when it is not an array) into a reading or errors. */
    @FunctionalInterface
    private interface ElementReader {
        void read(
                JsonParser parser,
                JsonToken start,
                int index,
                Instant receivedAt,
                List<FieldError> errors,
                List<Reading> readings)
                throws IOException;
    }

    private ParseOutcome parse(byte[] body, Instant receivedAt, ElementReader reader) {
        try (JsonParser parser = JSON.createParser(body)) {
            return parse(parser, receivedAt, reader);
        } catch (StreamConstraintsException e) {
            return new ParseOutcome.Malformed("the body holds a number, name or string longer than the gateway "
                    + "parses, or nests deeper than it parses; shorten it");
        } catch (JsonProcessingException e) {
            return new ParseOutcome.Malformed(describe(e));
        } catch (NumberFormatException e) {
            // Jackson reports some numbers it cannot convert this way rather than as a processing exception.
            return new ParseOutcome.Malformed("the body holds a number that cannot be read; write it in a plain range");
        } catch (IOException e) {
            // Reading from a byte array only fails on bad input, which Jackson reports as a processing exception.
            return new ParseOutcome.Malformed("the body could not be read as JSON: " + e.getMessage());
        }
    }

    private ParseOutcome parse(JsonParser parser, Instant receivedAt, ElementReader reader) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new ParseOutcome.Malformed("the body is empty; send one reading object or a JSON array of readings");
        }
        List<FieldError> errors = new ArrayList<>();
        List<Reading> readings = new ArrayList<>();
        int count = 0;
        if (first == JsonToken.START_ARRAY) {
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (count == rules.maxReadingsPerRequest()) {
                    return new ParseOutcome.TooManyReadings(rules.maxReadingsPerRequest());
                }
                reader.read(parser, token, count++, receivedAt, errors, readings);
            }
            if (count == 0) {
                errors.add(new FieldError(
                        null, "", "the array is empty; send at least one reading", RejectionReason.INVALID_SHAPE));
            }
        } else if (first == JsonToken.START_OBJECT) {
            reader.read(parser, first, count++, receivedAt, errors, readings);
        } else {
            parser.skipChildren();
            errors.add(new FieldError(
                    null,
                    "",
                    "the body is " + kind(first) + "; send one reading object or a JSON array of readings",
                    RejectionReason.INVALID_SHAPE));
        }
        if (parser.nextToken() != null) {
            return new ParseOutcome.Malformed("unexpected content after the JSON value at "
                    + position(parser.currentTokenLocation()) + "; send a single object or array");
        }
        return errors.isEmpty() ? new ParseOutcome.Valid(readings) : new ParseOutcome.Invalid(errors, count);
    }

    private void readReading(
            JsonParser parser,
            JsonToken start,
            int index,
            Instant receivedAt,
            List<FieldError> errors,
            List<Reading> readings)
            throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            errors.add(new FieldError(
                    index,
                    "",
                    "the reading is " + kind(start) + "; each reading must be a JSON object with metrics and "
                            + "optionally ts, messageId and attributes",
                    RejectionReason.INVALID_SHAPE));
            return;
        }
        int errorsBefore = errors.size();
        Instant ts = receivedAt;
        String messageId = null;
        Map<String, Double> metrics = null;
        Map<String, String> attributes = Map.of();
        SeenFields seen = new SeenFields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!seen.add(name)) {
                parser.skipChildren();
                errors.add(new FieldError(
                        index,
                        echo(name),
                        "the field appears more than once in the reading; send it once",
                        reasonOfField(name)));
                continue;
            }
            switch (name) {
                case TS -> ts = readTimestamp(parser, value, index, receivedAt, errors);
                case METRICS -> metrics = readMetrics(parser, value, index, METRICS, Dialect.FLEETSTREAM, errors);
                case MESSAGE_ID -> messageId = readMessageId(parser, value, index, errors);
                case ATTRIBUTES -> attributes = readAttributes(parser, value, index, errors);
                default -> {
                    parser.skipChildren();
                    String hint = FIELD_HINTS.get(name.toLowerCase(Locale.ROOT));
                    errors.add(new FieldError(
                            index,
                            echo(name),
                            "unknown field; " + (hint == null ? "" : hint + " ") + READING_FIELDS,
                            RejectionReason.UNKNOWN_FIELD));
                }
            }
        }
        if (!seen.sawMetrics()) {
            errors.add(new FieldError(
                    index,
                    METRICS,
                    "metrics is required: an object of metric name to number, such as {\"temperature\": 21.5}",
                    RejectionReason.INVALID_METRICS));
        }
        if (errors.size() == errorsBefore) {
            readings.add(new Reading(ts, messageId, metrics, attributes));
        }
    }

    private Instant readTimestamp(
            JsonParser parser, JsonToken value, int index, Instant receivedAt, List<FieldError> errors)
            throws IOException {
        Instant ts;
        switch (value) {
            case VALUE_NULL -> {
                return receivedAt;
            }
            case VALUE_NUMBER_INT -> {
                // The common case, a plain non-negative long of epoch milliseconds that is not 10 digits long (which
                // would be seconds), takes no BigInteger; everything else goes the exact way below.
                JsonParser.NumberType type = parser.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    long plain = parser.getLongValue();
                    if (plain >= 0 && plain < (1L << 62) && (plain < 1_000_000_000L || plain >= 10_000_000_000L)) {
                        return inRange(parser, value, Instant.ofEpochMilli(plain), index, receivedAt, errors);
                    }
                }
                BigInteger millis = parser.getBigIntegerValue();
                String digits = millis.abs().toString();
                if (millis.signum() < 0) {
                    return timestampError(
                            index,
                            errors,
                            "ts " + millis + " is negative; send epoch milliseconds (an integer such as "
                                    + "1700000000000) or an RFC 3339 string with an offset");
                }
                if (digits.length() == 10) {
                    return timestampError(
                            index,
                            errors,
                            "ts " + millis + " has 10 digits, so it looks like epoch seconds; ts must be epoch "
                                    + "milliseconds: send " + millis + "000");
                }
                if (millis.bitLength() > 62) {
                    return timestampError(index, errors, futureMessage(digits, millis.toString(), null));
                }
                ts = Instant.ofEpochMilli(millis.longValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return timestampError(
                        index,
                        errors,
                        "ts " + parser.getText() + " is not an integer; send epoch milliseconds as a whole number "
                                + "without fraction or exponent, such as 1700000000000");
            }
            case VALUE_STRING -> {
                String text = parser.getText();
                try {
                    ts = OffsetDateTime.parse(text, RFC_3339).toInstant().truncatedTo(ChronoUnit.MILLIS);
                } catch (DateTimeParseException | ArithmeticException e) {
                    return timestampError(index, errors, badTimestampString(text));
                }
            }
            default -> {
                parser.skipChildren();
                return timestampError(
                        index,
                        errors,
                        "ts is " + kind(value) + "; send epoch milliseconds (an integer such as 1700000000000) or "
                                + "an RFC 3339 string with an offset, or omit ts to use the time of receipt");
            }
        }
        return inRange(parser, value, ts, index, receivedAt, errors);
    }

    /** Checks that {@code ts} lies within the accepted range around the receipt time. */
    private Instant inRange(
            JsonParser parser, JsonToken value, Instant ts, int index, Instant receivedAt, List<FieldError> errors)
            throws IOException {
        Window window = window(receivedAt);
        if (ts.isAfter(window.latest())) {
            String written = parser.getText();
            String digits = value == JsonToken.VALUE_NUMBER_INT ? written : "";
            return timestampError(index, errors, futureMessage(digits, written, Duration.between(receivedAt, ts)));
        }
        if (ts.isBefore(window.earliest())) {
            return timestampError(
                    index,
                    errors,
                    "ts " + parser.getText() + " (" + ts + ") is " + Durations.human(Duration.between(ts, receivedAt))
                            + " old; readings older than " + Durations.human(rules.maxAge())
                            + " are not accepted. Check the device clock and that ts is in epoch milliseconds");
        }
        return ts;
    }

    /** The accepted range of {@code ts} for one receipt time. */
    private record Window(Instant receivedAt, Instant latest, Instant earliest) {}

    /**
     * The accepted range for {@code receivedAt}, computed once per request rather than per reading: the last one is
     * kept (an immutable record, so a thread that reads another request's window just computes its own).
     */
    private Window window(Instant receivedAt) {
        Window last = lastWindow;
        if (last != null && last.receivedAt() == receivedAt) {
            return last;
        }
        Window window =
                new Window(receivedAt, receivedAt.plus(rules.maxFutureSkew()), receivedAt.minus(rules.maxAge()));
        lastWindow = window;
        return window;
    }

    private String futureMessage(String digits, String written, Duration ahead) {
        String unitHint = "";
        if (digits.length() == 16) {
            unitHint = " It has 16 digits, so it looks like epoch microseconds; send milliseconds.";
        } else if (digits.length() == 19) {
            unitHint = " It has 19 digits, so it looks like epoch nanoseconds; send milliseconds.";
        }
        String by = ahead == null ? "too far" : Durations.human(ahead);
        return "ts " + written + " is " + by + " ahead of the gateway clock; at most "
                + Durations.human(rules.maxFutureSkew()) + " ahead is accepted. Check the device clock." + unitHint;
    }

    private static String badTimestampString(String text) {
        String shown = echo(text);
        if (isDigits(text)) {
            return "ts \"" + shown + "\" is a string of digits; send epoch milliseconds as a JSON number without "
                    + "quotes, or an RFC 3339 string such as 2024-05-01T12:00:00Z";
        }
        try {
            LocalDateTime.parse(text, LOCAL_DATE_TIME);
            return "ts \"" + shown + "\" has no UTC offset, so its instant is ambiguous; append Z or an offset "
                    + "such as +02:00";
        } catch (DateTimeParseException e) {
            return "ts \"" + shown + "\" is not an RFC 3339 date-time; send a string such as "
                    + "2024-05-01T12:00:00.250Z or 2024-05-01T20:00:00+08:00, or epoch milliseconds as a number";
        }
    }

    private static Instant timestampError(int index, List<FieldError> errors, String message) {
        errors.add(new FieldError(index, TS, message, RejectionReason.INVALID_TIMESTAMP));
        return null;
    }

    private Map<String, Double> readMetrics(
            JsonParser parser, JsonToken value, int index, String field, Dialect dialect, List<FieldError> errors)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            errors.add(new FieldError(
                    index,
                    field,
                    field + " is " + kind(value) + "; send an object of metric name to number, such as "
                            + "{\"temperature\": 21.5}",
                    RejectionReason.INVALID_METRICS));
            return null;
        }
        MetricCollector collector = new MetricCollector(index, field + ".", dialect);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            collector.add(parser, name, parser.nextToken(), errors);
        }
        return collector.finish(field, field + " is empty", errors);
    }

    /**
     * The field names met so far in one reading object. The four fields of a reading are remembered as bits, so a
     * well-formed reading costs no set; only unknown names, which make the request invalid anyway, take one.
     */
    private static final class SeenFields {
        private int known;
        private Set<String> others;

        /** Remembers {@code name}; false when it was met before. */
        private boolean add(String name) {
            int bit =
                    switch (name) {
                        case TS -> 1;
                        case METRICS -> 2;
                        case MESSAGE_ID -> 4;
                        case ATTRIBUTES -> 8;
                        default -> 0;
                    };
            if (bit == 0) {
                if (others == null) {
                    others = new HashSet<>(4);
                }
                return others.add(name);
            }
            if ((known & bit) != 0) {
                return false;
            }
            known |= bit;
            return true;
        }

        private boolean sawMetrics() {
            return (known & 2) != 0;
        }
    }

    /** Whose conventions a body follows; decides the hints of value errors. */
    private enum Dialect {
        FLEETSTREAM,
        THINGSBOARD
    }

    /** Collects the metrics of one reading, checking each name and value and the count. */
    private final class MetricCollector {
        private final int index;
        private final String prefix;
        private final Dialect dialect;
        private final MetricValues metrics = new MetricValues();
        private int count;
        private boolean duplicates;

        private MetricCollector(int index, String prefix, Dialect dialect) {
            this.index = index;
            this.prefix = prefix;
            this.dialect = dialect;
        }

        private void add(JsonParser parser, String name, JsonToken token, List<FieldError> errors) throws IOException {
            count++;
            String nameProblem = metricNameProblem(name);
            if (nameProblem != null) {
                errors.add(new FieldError(index, field(name), nameProblem, RejectionReason.INVALID_METRIC_NAME));
            }
            double number = readMetricValue(parser, token, index, this, name, dialect, errors);
            if (metrics.containsKey(name)) {
                duplicates = true;
                errors.add(new FieldError(
                        index,
                        field(name),
                        "the metric appears more than once in the reading; send each metric once per reading",
                        RejectionReason.INVALID_METRIC_NAME));
            } else if (!Double.isNaN(number) && nameProblem == null) {
                metrics.add(name, number);
            }
        }

        /** The path of a metric in error messages; built only for an error. */
        private String field(String name) {
            return prefix + echo(name);
        }

        /** Checks the count; returns the metrics, or null when a metric appeared twice. */
        private Map<String, Double> finish(String field, String emptyText, List<FieldError> errors) {
            if (count == 0) {
                errors.add(new FieldError(
                        index,
                        field,
                        emptyText + "; send at least one metric, such as {\"temperature\": 21.5}",
                        RejectionReason.INVALID_METRICS));
            } else if (count > rules.maxMetricsPerReading()) {
                errors.add(new FieldError(
                        index,
                        field,
                        "the reading has " + count + " metrics but at most " + rules.maxMetricsPerReading()
                                + " are accepted per reading; split them across several readings with the same ts",
                        RejectionReason.INVALID_METRICS));
            }
            return duplicates ? null : metrics;
        }
    }

    private void readThingsBoardReading(
            JsonParser parser,
            JsonToken start,
            int index,
            Instant receivedAt,
            List<FieldError> errors,
            List<Reading> readings)
            throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            errors.add(new FieldError(
                    index,
                    "",
                    "the entry is " + kind(start) + "; send an object of metric name to number, or {\"ts\": "
                            + "<epoch ms>, \"values\": {...}}",
                    RejectionReason.INVALID_SHAPE));
            return;
        }
        int errorsBefore = errors.size();
        // The form is known only at the end of the object ("values" may come last), so the errors of each form are
        // kept apart until then.
        List<FieldError> flatErrors = new ArrayList<>();
        List<FieldError> tsErrors = new ArrayList<>();
        List<String> flatNames = new ArrayList<>();
        MetricCollector flat = new MetricCollector(index, "", Dialect.THINGSBOARD);
        Map<String, Double> values = null;
        Instant ts = receivedAt;
        boolean sawTs = false;
        boolean sawValues = false;
        Set<String> seen = new HashSet<>(8);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!seen.add(name)) {
                parser.skipChildren();
                errors.add(new FieldError(
                        index,
                        echo(name),
                        "the field appears more than once; send it once",
                        switch (name) {
                            case TS -> RejectionReason.INVALID_TIMESTAMP;
                            case "values" -> RejectionReason.INVALID_METRICS;
                            default -> RejectionReason.INVALID_METRIC_NAME;
                        }));
                continue;
            }
            if (TS.equals(name)) {
                sawTs = true;
                ts = readTimestamp(parser, value, index, receivedAt, tsErrors);
            } else if ("values".equals(name)) {
                sawValues = true;
                values = readMetrics(parser, value, index, "values", Dialect.THINGSBOARD, errors);
            } else {
                flatNames.add(name);
                flat.add(parser, name, value, flatErrors);
            }
        }
        Map<String, Double> metrics;
        if (sawValues) {
            errors.addAll(tsErrors);
            for (String name : flatNames) {
                errors.add(new FieldError(
                        index,
                        echo(name),
                        "unknown field; an entry with values has only the fields ts and values: move the metric "
                                + "into values",
                        RejectionReason.UNKNOWN_FIELD));
            }
            metrics = values;
        } else {
            if (sawTs) {
                errors.add(new FieldError(
                        index,
                        TS,
                        "ts comes with values: send {\"ts\": <epoch ms>, \"values\": {\"temperature\": 21.5}}, "
                                + "or send the metrics alone to use the time of receipt",
                        RejectionReason.INVALID_SHAPE));
                ts = receivedAt;
            }
            errors.addAll(flatErrors);
            metrics = flat.finish("", "the entry has no metrics", errors);
        }
        if (errors.size() == errorsBefore) {
            readings.add(new Reading(ts, null, metrics, Map.of()));
        }
    }

    private static String metricNameProblem(String name) {
        if (name.isEmpty()) {
            return "the metric name is empty; use 1 to 64 of the characters A-Z a-z 0-9 _ . : -";
        }
        if (name.length() > ReadingRules.MAX_METRIC_NAME_LENGTH) {
            return "the metric name has " + name.length() + " characters; use at most "
                    + ReadingRules.MAX_METRIC_NAME_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == ':'
                    || c == '-';
            if (!allowed) {
                return "the metric name contains '" + new String(Character.toChars(name.codePointAt(i)))
                        + "'; use only the characters A-Z a-z 0-9 _ . : - (for example room_1.temperature)";
            }
        }
        return null;
    }

    /** The value of a metric, or NaN (never a valid value) when it was refused and the error was added. */
    private static double readMetricValue(
            JsonParser parser,
            JsonToken token,
            int index,
            MetricCollector collector,
            String name,
            Dialect dialect,
            List<FieldError> errors)
            throws IOException {
        String problem;
        switch (token) {
            case VALUE_NUMBER_INT -> {
                // Exactness is demanded of numbers written as integers (counters, ids); a number written with a
                // fraction or exponent is a measurement, and its nearest double is what the device means.
                if (parser.getNumberType() == JsonParser.NumberType.INT) {
                    return (double) parser.getIntValue();
                }
                BigInteger integer = parser.getBigIntegerValue();
                double number = integer.doubleValue();
                if (Double.isInfinite(number)) {
                    problem = "the value is beyond the range of a double (about 1.8e308); send a smaller number";
                } else if (integer.abs().compareTo(MAX_EXACT_INTEGER) > 0
                        && new BigDecimal(number).compareTo(new BigDecimal(integer)) != 0) {
                    problem = inexactInteger(number);
                } else {
                    return number;
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                if (parser.isNaN()) {
                    double special = parser.getDoubleValue();
                    problem = Double.isNaN(special)
                            ? "NaN is not a number; omit the metric when there is no value"
                            : "infinity is not a finite number; send a finite value or omit the metric";
                } else {
                    // The nearest double of the text, as BigDecimal.doubleValue gives it but without the BigDecimal.
                    // Infinity and zero take the exact way below: it tells an overflowing exponent from a large
                    // number, and an underflow from a true zero (and stores -0.0 as 0).
                    double nearest = parser.getDoubleValue();
                    if (nearest != 0 && !Double.isInfinite(nearest)) {
                        return nearest;
                    }
                    BigDecimal decimal;
                    try {
                        decimal = parser.getDecimalValue();
                    } catch (NumberFormatException e) {
                        // An exponent beyond what BigDecimal can represent, such as 1e9999999999.
                        errors.add(new FieldError(
                                index,
                                collector.field(name),
                                "the value's exponent is far beyond the range of a double (about 1.8e308); send a "
                                        + "number in a plain range",
                                RejectionReason.INVALID_METRIC_VALUE));
                        return Double.NaN;
                    }
                    double number = decimal.doubleValue();
                    if (Double.isInfinite(number)) {
                        problem = "the value is beyond the range of a double (about 1.8e308); send a smaller number";
                    } else if (number == 0 && decimal.signum() != 0) {
                        problem = "the value is too close to zero for a double (below about 4.9e-324) and would be "
                                + "stored as 0; send it in a larger unit";
                    } else {
                        return number;
                    }
                }
            }
            case VALUE_STRING -> {
                String text = parser.getText();
                problem = looksNumeric(text)
                        ? "the value is a string; send the number without quotes, such as " + echo(text.strip())
                        : "the value is a string; metric values must be JSON numbers (put text in attributes)";
            }
            case VALUE_TRUE, VALUE_FALSE ->
                problem = "the value is a boolean; metric values must be JSON numbers: send 1 for true and 0 for "
                        + "false";
            case VALUE_NULL -> problem = "the value is null; omit the metric when there is no value";
            default -> {
                parser.skipChildren();
                problem = "the value is " + kind(token) + "; metric values must be JSON numbers: flatten nested "
                        + "values into separate metrics such as position.lat and position.lon";
            }
        }
        if (dialect == Dialect.THINGSBOARD && !token.isNumeric()) {
            problem += " (only numbers are stored here; ThingsBoard's string, boolean and JSON values are not)";
        }
        errors.add(new FieldError(index, collector.field(name), problem, RejectionReason.INVALID_METRIC_VALUE));
        return Double.NaN;
    }

    private static String inexactInteger(double nearest) {
        String plain = new BigDecimal(nearest).toPlainString();
        String stored = plain.length() <= 25 ? plain : Double.toString(nearest);
        return "the integer is beyond +/-2^53 and a double cannot hold it exactly (it would be stored as " + stored
                + "); send a value that fits in 53 bits, or scale it";
    }

    private static boolean isInteger(BigDecimal decimal) {
        return decimal.signum() == 0
                || decimal.scale() <= 0
                || decimal.stripTrailingZeros().scale() <= 0;
    }

    private static String readMessageId(JsonParser parser, JsonToken value, int index, List<FieldError> errors)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        String problem;
        if (value != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            problem = "messageId is " + kind(value) + "; send a string of 1 to " + ReadingRules.MAX_MESSAGE_ID_LENGTH
                    + " characters, or omit it";
        } else {
            String id = parser.getText();
            if (hasUnpairedSurrogate(id)) {
                problem = "messageId holds an unpaired UTF-16 surrogate escape (\\ud800 to \\udfff), which is not "
                        + "text; send valid Unicode";
            } else if (hasNul(id)) {
                problem = "messageId holds the NUL character (\\u0000), which cannot be stored; remove it";
            } else if (!id.isEmpty() && id.length() <= ReadingRules.MAX_MESSAGE_ID_LENGTH) {
                return id;
            } else {
                problem = "messageId has " + id.length() + " characters; send 1 to "
                        + ReadingRules.MAX_MESSAGE_ID_LENGTH + " characters, or omit it";
            }
        }
        errors.add(new FieldError(index, MESSAGE_ID, problem, RejectionReason.INVALID_MESSAGE_ID));
        return null;
    }

    private static Map<String, String> readAttributes(
            JsonParser parser, JsonToken value, int index, List<FieldError> errors) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            errors.add(new FieldError(
                    index,
                    ATTRIBUTES,
                    "attributes is " + kind(value) + "; send an object of name to string, such as "
                            + "{\"firmware\": \"1.4.2\"}, or omit it",
                    RejectionReason.INVALID_ATTRIBUTES));
            return Map.of();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_STRING) {
                String text = parser.getText();
                if (hasUnpairedSurrogate(name) || hasUnpairedSurrogate(text)) {
                    errors.add(new FieldError(
                            index,
                            attributeField(name),
                            "the attribute holds an unpaired UTF-16 surrogate escape (\\ud800 to \\udfff), which "
                                    + "is not text; send valid Unicode",
                            RejectionReason.INVALID_ATTRIBUTES));
                } else if (hasNul(name) || hasNul(text)) {
                    errors.add(new FieldError(
                            index,
                            attributeField(name),
                            "the attribute holds the NUL character (\\u0000), which cannot be stored; remove it",
                            RejectionReason.INVALID_ATTRIBUTES));
                } else if (attributes.put(name, text) != null) {
                    errors.add(new FieldError(
                            index,
                            attributeField(name),
                            "the attribute appears more than once; send each attribute once",
                            RejectionReason.INVALID_ATTRIBUTES));
                }
                continue;
            }
            parser.skipChildren();
            String example = token.isScalarValue() && token != JsonToken.VALUE_NULL
                    ? "; send it as a string, such as \"" + echo(parser.getText()) + "\""
                    : "; send a string, or omit the attribute";
            errors.add(new FieldError(
                    index,
                    attributeField(name),
                    "attribute values must be strings but this one is " + kind(token) + example,
                    RejectionReason.INVALID_ATTRIBUTES));
        }
        return attributes;
    }

    /** The path of an attribute in error messages; built only for an error. */
    private static String attributeField(String name) {
        return ATTRIBUTES + "." + echo(name);
    }

    private static RejectionReason reasonOfField(String name) {
        return switch (name) {
            case TS -> RejectionReason.INVALID_TIMESTAMP;
            case METRICS -> RejectionReason.INVALID_METRICS;
            case MESSAGE_ID -> RejectionReason.INVALID_MESSAGE_ID;
            case ATTRIBUTES -> RejectionReason.INVALID_ATTRIBUTES;
            default -> RejectionReason.UNKNOWN_FIELD;
        };
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "not a JSON value";
        };
    }

    /** Whether {@code text} holds U+0000, which PostgreSQL text (the store of record) cannot hold. */
    private static boolean hasNul(String text) {
        return text.indexOf('\u0000') >= 0;
    }

    /** Whether {@code text} has a surrogate escape without its pair, which UTF-8 cannot encode. */
    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksNumeric(String text) {
        try {
            new BigDecimal(text.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Client text echoed in an error, shortened so that a hostile field name cannot blow up the response. */
    private static String echo(String text) {
        return text.length() <= MAX_ECHOED_NAME ? text : text.substring(0, MAX_ECHOED_NAME) + "...";
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : " at " + position(location);
        return "the body is not well-formed JSON" + where + ": " + withoutParserSettings(e.getOriginalMessage());
    }

    /**
     * Jackson's message without its advice to enable a parser feature, which is the gateway's setting, not the
     * client's: the client has to send standard JSON instead.
     */
    static String withoutParserSettings(String message) {
        return message.replaceAll(":? ?enable `[^`]+` to allow", "")
                .replaceAll(
                        " ?\\(not recognized as one since Feature '[^']+' not enabled for parser\\)",
                        "; JSON has no comments");
    }

    private static String position(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
