package io.fleetstream.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.stack.BeijingDataset.Row;
import io.fleetstream.stack.BeijingDataset.StationReader;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo itself, on a running {@link LocalStack}: registers the stations, gives each a credential, creates the PM2.5
 * alert rule, replays the CSV rows through the gateway, waits until everything is stored and reads the figures back
 * from the query API. {@link Demo} runs it from the command line; the system test runs it on a slice of the data.
 *
 * <p><b>Why rounds.</b> Windows and alerts run on event time, and Kafka Streams keeps one stream time per partition:
 * the newest timestamp it has seen there. Twelve stations share six partitions, so if one station raced ahead by a
 * month, the windows of a slower station on the same partition would be closed (and its readings late) before that
 * station's readings arrived. The replay therefore goes in rounds: in round r every station sends its rows of the
 * next {@code batch-hours} hours as one request, concurrently, and round r + 1 starts only when every request of
 * round r has been acknowledged, which means those readings are in Kafka ahead of anything sent later. No reading
 * can then be more than {@code batch-hours} behind the stream time of its partition, and the processor is started
 * with a grace period of {@code batch-hours + 1h} (see {@link #serviceOverrides}), so no reading is late.
 */
public final class DemoReplay {

    /** Name of the alert rule the demo creates. */
    public static final String RULE_NAME = "PM2.5 over 1-hour windows";

    /** The rule watches this metric's hourly average. */
    public static final String RULE_METRIC = "PM2.5";

    /** An episode is raised by an hour above this value (micrograms per cubic metre)... */
    public static final double RAISE_THRESHOLD = 300;

    /** ...and cleared by an hour below this one. */
    public static final double CLEAR_THRESHOLD = 200;

    /**
     * The window sizes the demo runs the processor and the sink with. Each hourly value falls into its own 1-minute
     * and its own 1-hour window, so a drained pipeline holds exactly this many aggregates per metric value.
     */
    public static final List<String> WINDOW_SIZES = List.of("1m", "1h");

    /** Readings as old as the data set (2013) must pass the edge's maximum-age check. */
    public static final String GATEWAY_MAX_AGE = "20000d";

    static final String GATEWAY_CREDENTIALS_METRIC = "fleetstream_gateway_credentials";
    static final String PROCESSOR_RULES_METRIC = "fleetstream_streams_rules";
    static final String PROCESSOR_LATE_METRIC = "fleetstream_streams_late_readings_total";
    static final String PROCESSOR_DEAD_LETTER_METRIC = "fleetstream_streams_dead_letters_total";

    private static final Duration ROUTING_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);
    private static final Duration DRAIN_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration DRAIN_REPORT_INTERVAL = Duration.ofSeconds(5);
    /** The alert counts must stay unchanged this long once readings and aggregates are all stored. */
    private static final Duration ALERTS_STABLE_FOR = Duration.ofSeconds(5);
    /** The drain fails when the stored counts have not moved for this long... */
    private static final Duration DRAIN_STALL_TIMEOUT = Duration.ofSeconds(180);
    /** ...or when it takes longer than this in all. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(60);

    private final LocalStack stack;
    private final BeijingDataset dataset;
    private final DemoOptions options;
    private final PrintStream out;
    private final RoundListener roundListener;
    private final ObjectMapper mapper;
    private final JsonHttp http;

    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsSkipped = new AtomicLong();
    private final AtomicLong readingsSent = new AtomicLong();
    private final AtomicLong readingsAccepted = new AtomicLong();
    private final AtomicLong readingsDuplicate = new AtomicLong();
    private final AtomicLong metricValuesAccepted = new AtomicLong();

    public DemoReplay(LocalStack stack, BeijingDataset dataset, DemoOptions options, PrintStream out) {
        this(stack, dataset, options, out, (round, roundEnd) -> {});
    }

    /**
     * A replay that calls {@code roundListener} after each acknowledged round, before the next one is sent; fault
     * tests use it to kill and restart services at known points of the replay.
     */
    public DemoReplay(
            LocalStack stack,
            BeijingDataset dataset,
            DemoOptions options,
            PrintStream out,
            RoundListener roundListener) {
        this.stack = stack;
        this.dataset = dataset;
        this.options = options;
        this.out = out;
        this.roundListener = roundListener;
        this.mapper = new ObjectMapper();
        this.http = new JsonHttp(mapper);
    }

    /**
     * The service configuration the demo needs on top of the stack's own: an edge that accepts readings from 2013,
     * a processor whose grace period covers one round plus an hour (see the class comment), and the window sizes the
     * drain check counts on.
     */
    public static Map<ServiceName, Map<String, String>> serviceOverrides(DemoOptions options) {
        String windowSizes = String.join(",", WINDOW_SIZES);
        return Map.of(
                ServiceName.DEVICE_REGISTRY,
                // A rule on a window size the processor does not compute would be accepted and never fire.
                Map.of("fleetstream.rules.window-sizes", windowSizes),
                ServiceName.INGEST_GATEWAY,
                Map.of("fleetstream.ingest.max-age", GATEWAY_MAX_AGE),
                ServiceName.STREAM_PROCESSOR,
                Map.of(
                        "fleetstream.aggregation.grace",
                        (options.batchHours() + 1) + "h",
                        "fleetstream.aggregation.window-sizes",
                        windowSizes),
                ServiceName.TELEMETRY_SINK,
                Map.of("fleetstream.aggregation.window-sizes", windowSizes),
                ServiceName.QUERY_API,
                Map.of("fleetstream.aggregation.window-sizes", windowSizes));
    }

    /** Told about each round of the replay once the gateway has acknowledged every request of it. */
    @FunctionalInterface
    public interface RoundListener {

        /**
         * Runs on the replay's thread between two rounds: the replay waits for it to return, and an exception it
         * throws ends the replay.
         *
         * @param round number of the round just acknowledged, from 1
         * @param roundEnd end (exclusive) of the hours the round covered
         */
        void roundAcknowledged(int round, Instant roundEnd);
    }

    /** The JSON mapper used for requests and for the summary line. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Runs the whole demo on the stack and returns its figures; throws {@link DemoFailure} when anything is off. */
    public DemoResult run() {
        long started = System.nanoTime();
        long totalRows = countRows();
        out.printf(
                Locale.ROOT,
                "Replaying %d station(s), %s to %s (Beijing time), %d-hour rounds: %,d rows%n",
                options.stations().size(),
                options.from().map(Object::toString).orElse("start of data"),
                options.to().map(Object::toString).orElse("end of data"),
                options.batchHours(),
                totalRows);

        Map<String, String> tokens = registerStations();
        String ruleId = createRule();
        awaitRouting(tokens.size());

        long replayStarted = System.nanoTime();
        replay(tokens, totalRows, replayStarted);
        double replaySeconds = secondsSince(replayStarted);

        JsonNode stats = awaitDrained(metricValuesAccepted.get());
        double totalSeconds = secondsSince(started);
        return result(stats, ruleId, replaySeconds, totalSeconds);
    }

    // ---- registration ------------------------------------------------------------------------------------------

    private Map<String, String> registerStations() {
        URI registry = stack.baseUri(ServiceName.DEVICE_REGISTRY);
        http.exchange(
                http.jsonRequest(
                        "POST",
                        registry.resolve("/v1/device-types"),
                        Map.of(
                                "type",
                                BeijingDataset.DEVICE_TYPE,
                                "description",
                                BeijingDataset.DEVICE_TYPE_DESCRIPTION),
                        operatorKey()),
                201);
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String station : options.stations()) {
            String deviceId = BeijingDataset.deviceId(station);
            Map<String, Object> device = new LinkedHashMap<>();
            device.put("deviceId", deviceId);
            device.put("name", station);
            device.put("type", BeijingDataset.DEVICE_TYPE);
            device.put("labels", BeijingDataset.DEVICE_LABELS);
            http.exchange(http.jsonRequest("POST", registry.resolve("/v1/devices"), device, operatorKey()), 201);
            JsonNode credential = http.exchange(
                    http.jsonRequest(
                            "POST",
                            registry.resolve("/v1/devices/" + deviceId + "/credentials"),
                            Map.of(),
                            operatorKey()),
                    201);
            String token = credential.path("token").asText("");
            if (token.isEmpty()) {
                throw new DemoFailure("The registry issued a credential for device [" + deviceId + "] without a token: "
                        + credential);
            }
            tokens.put(deviceId, token);
        }
        out.println("Registered " + tokens.size() + " station(s) with one credential each");
        return tokens;
    }

    private String createRule() {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", RULE_NAME);
        rule.put("scope", Map.of("deviceType", BeijingDataset.DEVICE_TYPE));
        rule.put("metric", RULE_METRIC);
        rule.put("aggregation", "AVG");
        rule.put("windowSize", "1h");
        rule.put("direction", "ABOVE");
        rule.put("raiseThreshold", RAISE_THRESHOLD);
        rule.put("clearThreshold", CLEAR_THRESHOLD);
        rule.put("consecutiveWindows", 1);
        rule.put("severity", "CRITICAL");
        JsonNode created = http.exchange(
                http.jsonRequest(
                        "POST",
                        stack.baseUri(ServiceName.DEVICE_REGISTRY).resolve("/v1/alert-rules"),
                        rule,
                        operatorKey()),
                201);
        String ruleId = created.path("ruleId").asText("");
        if (ruleId.isEmpty()) {
            throw new DemoFailure("The registry created the alert rule without a ruleId: " + created);
        }
        out.println("Created alert rule [" + ruleId + "] \"" + RULE_NAME + "\": raise above " + (int) RAISE_THRESHOLD
                + ", clear below " + (int) CLEAR_THRESHOLD);
        return ruleId;
    }

    /**
     * Waits until the gateway knows every credential and the processor knows the rule: both learn them from Kafka,
     * after the registry's outbox relay has published them, and a reading sent earlier would be refused (401) or
     * miss its alert.
     */
    private void awaitRouting(int credentials) {
        URI gatewayMetrics = stack.baseUri(ServiceName.INGEST_GATEWAY).resolve("/q/metrics");
        URI processorMetrics = stack.baseUri(ServiceName.STREAM_PROCESSOR).resolve("/q/metrics");
        long deadline = System.nanoTime() + ROUTING_TIMEOUT.toNanos();
        while (true) {
            OptionalDouble known = PrometheusText.sum(http.getText(gatewayMetrics), GATEWAY_CREDENTIALS_METRIC);
            OptionalDouble rules = PrometheusText.sum(http.getText(processorMetrics), PROCESSOR_RULES_METRIC);
            if (known.orElse(0) >= credentials && rules.orElse(0) >= 1) {
                out.println("Gateway knows " + (long) known.getAsDouble() + " credential(s), processor knows "
                        + (long) rules.getAsDouble() + " rule(s)");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("After " + ROUTING_TIMEOUT.toSeconds() + " s the gateway reports "
                        + describe(known) + " of " + credentials + " credentials (" + GATEWAY_CREDENTIALS_METRIC
                        + " on " + gatewayMetrics + ") and the processor " + describe(rules) + " of 1 rule ("
                        + PROCESSOR_RULES_METRIC + " on " + processorMetrics + "). See the logs in "
                        + stack.logDir());
            }
            sleep(Duration.ofMillis(500));
        }
    }

    // ---- replay ------------------------------------------------------------------------------------------------

    private long countRows() {
        long from = fromMillis();
        long to = toMillis();
        long total = 0;
        for (String station : options.stations()) {
            try (StationReader reader = dataset.open(station)) {
                while (reader.hasNext()) {
                    long ts = reader.next().ts();
                    if (ts >= to) {
                        break;
                    }
                    if (ts >= from) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    /** Sends every row in rounds of {@code batch-hours}; see the class comment for why. */
    private void replay(Map<String, String> tokens, long totalRows, long replayStarted) {
        long from = fromMillis();
        long to = toMillis();
        long batchMillis = options.batch().toMillis();
        List<StationReader> readers = new ArrayList<>();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "demo-progress");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (String station : options.stations()) {
                StationReader reader = dataset.open(station);
                readers.add(reader);
                while (reader.hasNext() && reader.peek().ts() < from) {
                    reader.next();
                }
            }
            progress.scheduleAtFixedRate(
                    () -> printProgress(totalRows, replayStarted),
                    PROGRESS_INTERVAL.toMillis(),
                    PROGRESS_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
            OptionalLong first = earliestPending(readers, to);
            long roundStart = from != Long.MIN_VALUE ? from : first.orElse(0);
            int round = 0;
            for (OptionalLong next = first; next.isPresent(); next = earliestPending(readers, to)) {
                if (next.getAsLong() >= roundStart + batchMillis) {
                    // A stretch without rows at all (only possible with a --from before the data): skip it.
                    roundStart = next.getAsLong();
                }
                long roundEnd = Math.min(roundStart + batchMillis, to);
                List<CompletableFuture<Void>> requests = new ArrayList<>();
                for (StationReader reader : readers) {
                    List<Row> rows = new ArrayList<>();
                    while (reader.hasNext() && reader.peek().ts() < roundEnd) {
                        Row row = reader.next();
                        rowsRead.incrementAndGet();
                        if (row.sendable()) {
                            rows.add(row);
                        } else {
                            rowsSkipped.incrementAndGet();
                        }
                    }
                    if (!rows.isEmpty()) {
                        String deviceId = BeijingDataset.deviceId(reader.station());
                        requests.add(send(deviceId, tokens.get(deviceId), rows));
                    }
                }
                try {
                    CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new))
                            .join();
                } catch (CompletionException e) {
                    throw JsonHttp.unwrap(e);
                }
                round++;
                roundListener.roundAcknowledged(round, Instant.ofEpochMilli(roundEnd));
                roundStart = roundEnd;
            }
        } finally {
            progress.shutdownNow();
            readers.forEach(StationReader::close);
        }
        printProgress(totalRows, replayStarted);
    }

    private CompletableFuture<Void> send(String deviceId, String token, List<Row> rows) {
        List<Map<String, Object>> readings = new ArrayList<>(rows.size());
        long values = 0;
        for (Row row : rows) {
            Map<String, Object> reading = new LinkedHashMap<>();
            reading.put("ts", row.ts());
            reading.put("metrics", row.metrics());
            if (!row.attributes().isEmpty()) {
                reading.put("attributes", row.attributes());
            }
            // A retried request (after a 503) is then answered as duplicates instead of being written twice.
            reading.put("messageId", deviceId + "-" + row.ts());
            readings.add(reading);
            values += row.metrics().size();
        }
        long metricValues = values;
        readingsSent.addAndGet(rows.size());
        HttpRequest request = http.jsonRequest(
                "POST",
                stack.baseUri(ServiceName.INGEST_GATEWAY).resolve("/v1/telemetry"),
                readings,
                Optional.of(token));
        return http.sendAsync(request, 202).thenAccept(answer -> {
            long accepted = answer.path("accepted").asLong(-1);
            long duplicates = answer.path("duplicates").asLong(0);
            if (accepted < 0 || accepted + duplicates != rows.size()) {
                throw new DemoFailure("The gateway acknowledged " + rows.size() + " readings of device [" + deviceId
                        + "] with " + answer + ", which does not account for each of them");
            }
            readingsAccepted.addAndGet(accepted);
            readingsDuplicate.addAndGet(duplicates);
            // A duplicate was accepted by an earlier attempt of the same request, so its values count as well.
            metricValuesAccepted.addAndGet(metricValues);
        });
    }

    private static OptionalLong earliestPending(List<StationReader> readers, long to) {
        long earliest = Long.MAX_VALUE;
        for (StationReader reader : readers) {
            Row next = reader.peek();
            if (next != null && next.ts() < to) {
                earliest = Math.min(earliest, next.ts());
            }
        }
        return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
    }

    private void printProgress(long totalRows, long replayStarted) {
        double seconds = Math.max(0.001, secondsSince(replayStarted));
        long read = rowsRead.get();
        out.printf(
                Locale.ROOT,
                "Replay: %,d rows sent, %,d accepted, %.1f%% done, %,.0f readings/s%n",
                readingsSent.get(),
                readingsAccepted.get() + readingsDuplicate.get(),
                totalRows == 0 ? 100.0 : 100.0 * read / totalRows,
                readingsAccepted.get() / seconds);
    }

    // ---- drain -------------------------------------------------------------------------------------------------

    private record Stored(long readings, long aggregates, long raised, long cleared) {

        static Stored of(JsonNode stats) {
            return new Stored(
                    stats.path("readings").path("total").asLong(),
                    stats.path("aggregates").path("total").asLong(),
                    stats.path("alerts").path("raised").asLong(),
                    stats.path("alerts").path("cleared").asLong());
        }
    }

    /**
     * Polls {@code /v1/stats} until every accepted metric value is stored, every window aggregate too, and the alert
     * counts have stopped moving. The last windows close through the processor's idle rule, some seconds after the
     * replay ends, so the aggregates are the last to arrive.
     */
    private JsonNode awaitDrained(long expectedValues) {
        long expectedAggregates = expectedValues * WINDOW_SIZES.size();
        URI statsUri = stack.baseUri(ServiceName.QUERY_API).resolve("/v1/stats");
        out.printf(
                Locale.ROOT,
                "Waiting for the pipeline to drain: %,d metric values and %,d window aggregates expected%n",
                expectedValues,
                expectedAggregates);
        long started = System.nanoTime();
        long lastChange = started;
        long lastReport = started;
        long completeSince = 0;
        Stored last = null;
        while (true) {
            long asked = System.nanoTime();
            JsonNode stats = http.getJson(statsUri, operatorKey());
            Stored now = Stored.of(stats);
            long tick = System.nanoTime();
            // /v1/stats counts whole tables, which takes seconds once millions of rows are stored. Pausing three times
            // as long as the last answer took keeps those counts to a quarter of the database's time; the rest goes
            // to the sink that the demo is waiting for.
            Duration pause = Duration.ofNanos(Math.max(DRAIN_POLL_INTERVAL.toNanos(), 3 * (tick - asked)));
            boolean changed = !now.equals(last);
            if (changed) {
                lastChange = tick;
            }
            boolean complete = now.readings() == expectedValues && now.aggregates() == expectedAggregates;
            if (!complete) {
                completeSince = 0;
            } else if (completeSince == 0 || changed) {
                completeSince = tick;
            } else if (tick - completeSince >= ALERTS_STABLE_FOR.toNanos()) {
                out.printf(Locale.ROOT, "Pipeline drained in %.1f s%n", secondsSince(started));
                return stats;
            }
            last = now;
            if (tick - lastReport >= DRAIN_REPORT_INTERVAL.toNanos()) {
                lastReport = tick;
                out.printf(
                        Locale.ROOT,
                        "Draining: %,d of %,d metric values stored, %,d of %,d window aggregates, %,d alerts raised,"
                                + " %,d cleared%n",
                        now.readings(),
                        expectedValues,
                        now.aggregates(),
                        expectedAggregates,
                        now.raised(),
                        now.cleared());
            }
            boolean stalled = tick - lastChange > DRAIN_STALL_TIMEOUT.toNanos();
            if (stalled || tick - started > DRAIN_TIMEOUT.toNanos()) {
                throw new DemoFailure(String.format(
                        Locale.ROOT,
                        "The pipeline did not drain (%s): metric values stored %,d of %,d (%,d missing), window"
                                + " aggregates %,d of %,d (%,d missing), alerts raised %,d, cleared %,d. Look at"
                                + " stream-processor.log and telemetry-sink.log in %s",
                        stalled
                                ? "nothing changed for " + DRAIN_STALL_TIMEOUT.toSeconds() + " s"
                                : "not done after " + DRAIN_TIMEOUT.toMinutes() + " min",
                        now.readings(),
                        expectedValues,
                        expectedValues - now.readings(),
                        now.aggregates(),
                        expectedAggregates,
                        expectedAggregates - now.aggregates(),
                        now.raised(),
                        now.cleared(),
                        stack.logDir()));
            }
            sleep(pause);
        }
    }

    // ---- result ------------------------------------------------------------------------------------------------

    private DemoResult result(JsonNode stats, String ruleId, double replaySeconds, double totalSeconds) {
        Map<String, Long> byMetric = new LinkedHashMap<>();
        JsonNode metrics = stats.path("readings").path("byMetric");
        BeijingDataset.METRICS.forEach(metric -> {
            if (metrics.has(metric)) {
                byMetric.put(metric, metrics.get(metric).asLong());
            }
        });
        metrics.fields()
                .forEachRemaining(field ->
                        byMetric.putIfAbsent(field.getKey(), field.getValue().asLong()));

        Map<String, Long> byWindow = new LinkedHashMap<>();
        stats.path("aggregates")
                .path("byWindow")
                .fields()
                .forEachRemaining(
                        field -> byWindow.put(field.getKey(), field.getValue().asLong()));

        JsonNode alerts = stats.path("alerts");
        Map<String, DemoResult.AlertCounts> byStation = new LinkedHashMap<>();
        List<String> deviceIds = new ArrayList<>();
        for (String station : options.stations()) {
            String deviceId = BeijingDataset.deviceId(station);
            deviceIds.add(deviceId);
            JsonNode counts = alerts.path("byDevice").path(deviceId);
            byStation.put(
                    deviceId,
                    new DemoResult.AlertCounts(
                            counts.path("raised").asLong(0),
                            counts.path("cleared").asLong(0)));
        }

        String processorMetrics =
                http.getText(stack.baseUri(ServiceName.STREAM_PROCESSOR).resolve("/q/metrics"));
        Long late = count(PrometheusText.sum(processorMetrics, PROCESSOR_LATE_METRIC));
        Long deadLettered = count(PrometheusText.sum(processorMetrics, PROCESSOR_DEAD_LETTER_METRIC));

        URI query = stack.baseUri(ServiceName.QUERY_API);
        URI registry = stack.baseUri(ServiceName.DEVICE_REGISTRY);
        String example = deviceIds.get(0);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("statistics", query.resolve("/v1/stats").toString());
        urls.put("alerts", query.resolve("/v1/alerts").toString());
        urls.put(
                "latest of " + example,
                query.resolve("/v1/devices/" + example + "/latest").toString());
        urls.put(
                "daily PM2.5 of " + example,
                query.resolve("/v1/devices/" + example + "/aggregates?metric=PM2.5&bucket=1d&tz=Asia/Shanghai")
                        .toString());
        urls.put("registered devices", registry.resolve("/v1/devices").toString());
        urls.put("alert rules", registry.resolve("/v1/alert-rules").toString());
        for (ServiceName service : ServiceName.START_ORDER) {
            urls.put(
                    "metrics " + service.moduleName(),
                    stack.baseUri(service).resolve("/q/metrics").toString());
        }
        urls.put("logs", stack.logDir().toString());

        return new DemoResult(
                deviceIds,
                ruleId,
                rowsRead.get(),
                rowsSkipped.get(),
                readingsSent.get(),
                readingsAccepted.get(),
                readingsDuplicate.get(),
                metricValuesAccepted.get(),
                stats.path("readings").path("total").asLong(),
                byMetric,
                stats.path("aggregates").path("total").asLong(),
                byWindow,
                alerts.path("raised").asLong(),
                alerts.path("cleared").asLong(),
                alerts.path("open").asLong(),
                byStation,
                late,
                deadLettered,
                round(replaySeconds),
                round(totalSeconds),
                round(replaySeconds > 0 ? readingsAccepted.get() / replaySeconds : 0),
                urls);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** The demo acts as the stack's bootstrap administrator towards the registry and the query API. */
    private Optional<String> operatorKey() {
        return Optional.of(stack.adminKey());
    }

    private long fromMillis() {
        return options.fromInstant().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
    }

    private long toMillis() {
        return options.toInstant().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    }

    /** A counter's value, or {@code null} when the service does not expose it (yet: counters appear on first use). */
    private static Long count(OptionalDouble value) {
        return value.isPresent() ? (long) value.getAsDouble() : null;
    }

    private static String describe(OptionalDouble value) {
        return value.isPresent() ? Long.toString((long) value.getAsDouble()) : "no value";
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("Interrupted", e);
        }
    }
}
