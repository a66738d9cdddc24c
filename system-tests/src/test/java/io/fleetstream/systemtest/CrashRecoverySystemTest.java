package io.fleetstream.systemtest;

import io.fleetstream.schema.AlertEvent;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.EnrichedReading;
import io.fleetstream.schema.MetricWindowAggregate;
import io.fleetstream.schema.TelemetryReading;
import io.fleetstream.schema.Topics;
import io.fleetstream.schema.WindowSizes;
import io.fleetstream.stack.BeijingDataset;
import io.fleetstream.stack.DemoOptions;
import io.fleetstream.stack.DemoReplay;
import io.fleetstream.stack.DemoResult;
import io.fleetstream.stack.LocalStack;
import io.fleetstream.stack.RepoRoot;
import io.fleetstream.stack.ServiceName;
import io.fleetstream.stack.ServiceProcess;
import io.fleetstream.systemtest.CsvSlice.Episode;
import io.fleetstream.systemtest.CsvSlice.Key;
import io.fleetstream.systemtest.WinterSlice.StoredAlert;
import io.fleetstream.systemtest.WinterSlice.StoredValue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static io.fleetstream.systemtest.WinterSlice.DEVICE_IDS;
import static io.fleetstream.systemtest.WinterSlice.FROM;
import static io.fleetstream.systemtest.WinterSlice.FROM_INSTANT;
import static io.fleetstream.systemtest.WinterSlice.STATIONS;
import static io.fleetstream.systemtest.WinterSlice.TO;
import static io.fleetstream.systemtest.WinterSlice.TO_INSTANT;
import static io.fleetstream.systemtest.WinterSlice.instant;
import static io.fleetstream.systemtest.WinterSlice.normalised;
import static io.fleetstream.systemtest.WinterSlice.storedAlerts;
import static io.fleetstream.systemtest.WinterSlice.storedValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Replays two stations over two winter months (the slice of {@link BeijingReplaySystemTest}: 2,976 readings, 32,601
 * metric values, 21 PM2.5 episodes) while services crash: after round {@value #PROCESSOR_CRASH_ROUND} the stream
 * processor is killed with SIGKILL and started again while the replay goes on, after round
 * {@value #SINK_CRASH_ROUND} the telemetry sink, after round {@value #GATEWAY_CRASH_ROUND} the ingest gateway, so
 * that the next round's requests find nobody listening and must be retried. Then, once the pipeline has drained,
 * every figure is checked against the CSV files: in PostgreSQL, and on the topics as a read_committed consumer sees
 * them, where a window or an alert published twice cannot hide behind a primary key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoverySystemTest {

    private static final int BATCH_HOURS = 24;
    /** 62 days in rounds of one day. */
    private static final int ROUNDS = 62;

    private static final int PROCESSOR_CRASH_ROUND = 12;
    private static final int SINK_CRASH_ROUND = 30;
    private static final int GATEWAY_CRASH_ROUND = 46;

    /** Starting the stack, the replay with its three restarts and the drain; a hung pipeline fails here. */
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(6);
    /** One service restart, including the consumer group giving the dead member's partitions to the new one. */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(150);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final String DEVICE_TYPE = "air-quality-station";
    private static final List<Duration> WINDOW_SIZES =
            DemoReplay.WINDOW_SIZES.stream().map(WindowSizes::parse).toList();

    /** What one crash did: which process died after which round, and what replaced it. */
    record Crash(ServiceName service, int afterRound, long killedPid, boolean deadAfterKill, long restartedPid) {}

    private LocalStack stack;
    private DemoResult result;
    private CsvSlice expected;
    private final Crasher crasher = new Crasher();

    @BeforeAll
    void replaySliceWhileServicesCrash() throws IOException {
        expected = CsvSlice.read(
                RepoRoot.locate().resolve("data").resolve("beijing-air-quality"), STATIONS, FROM_INSTANT, TO_INSTANT);
        DemoOptions options = DemoOptions.parse(
                "--stations",
                String.join(",", STATIONS),
                "--from",
                FROM,
                "--to",
                TO,
                "--batch-hours",
                Integer.toString(BATCH_HOURS));
        result = assertTimeoutPreemptively(
                REPLAY_TIMEOUT,
                () -> {
                    stack = LocalStack.builder()
                            .workDir(Path.of("target", "stack-crash"))
                            .freePorts(true)
                            .readyTimeout(RESTART_TIMEOUT)
                            .overrides(DemoReplay.serviceOverrides(options))
                            .start();
                    DemoReplay replay = new DemoReplay(
                            stack, BeijingDataset.inRepo(stack.repoRoot()), options, System.out, crasher);
                    DemoResult figures = replay.run();
                    crasher.awaitRestart();
                    figures.print(System.out, replay.mapper());
                    return figures;
                },
                () -> "The crash replay did not finish within " + REPLAY_TIMEOUT.toMinutes()
                        + " min (stack start, replay with three restarts, drain). Crashes so far: " + crasher.crashes
                        + ". Service logs: system-tests/target/stack-crash/logs");
    }

    @AfterAll
    void stopStack() {
        crasher.shutdown();
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killedEachServiceMidReplayAndReplacedIt() {
        assertThat(crasher.rounds)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, ROUNDS).boxed().toList());
        assertThat(crasher.roundEnds.get(0)).isEqualTo(FROM_INSTANT.plus(Duration.ofHours(BATCH_HOURS)));
        assertThat(crasher.roundEnds.get(ROUNDS - 1)).isEqualTo(TO_INSTANT);

        assertThat(crasher.crashes)
                .extracting(Crash::service, Crash::afterRound, Crash::deadAfterKill)
                .containsExactly(
                        tuple(ServiceName.STREAM_PROCESSOR, PROCESSOR_CRASH_ROUND, true),
                        tuple(ServiceName.TELEMETRY_SINK, SINK_CRASH_ROUND, true),
                        tuple(ServiceName.INGEST_GATEWAY, GATEWAY_CRASH_ROUND, true));
        for (Crash crash : crasher.crashes) {
            ServiceProcess service = stack.service(crash.service());
            assertThat(crash.restartedPid()).as("%s", crash).isNotEqualTo(crash.killedPid());
            assertThat(ProcessHandle.of(crash.killedPid()).map(ProcessHandle::isAlive))
                    .as("killed %s", crash)
                    .isNotEqualTo(Optional.of(true));
            assertThat(service.isAlive()).as("%s now", crash.service()).isTrue();
            assertThat(service.pid()).isEqualTo(crash.restartedPid());
        }
    }

    @Test
    void acceptedEveryRowAndDeadLetteredNothing() {
        assertThat(result.rowsRead()).isEqualTo(2 * 1488);
        assertThat(result.rowsSkipped()).isZero();
        assertThat(result.readingsAccepted() + result.readingsDuplicate()).isEqualTo(2 * 1488);
        assertThat(result.metricValuesAccepted()).isEqualTo(expected.values.size());
        assertThat(read(Topics.DEAD_LETTER_STREAMS, new ByteArrayDeserializer()))
                .as("records on %s", Topics.DEAD_LETTER_STREAMS)
                .isEmpty();
        assertThat(read(Topics.DEAD_LETTER_SINK, new ByteArrayDeserializer()))
                .as("records on %s", Topics.DEAD_LETTER_SINK)
                .isEmpty();
    }

    @Test
    void storesEveryMetricValueExactlyOnceWithItsValue() throws SQLException {
        List<StoredValue> rows = storedValues(stack);
        Map<Key, List<Double>> stored = new HashMap<>();
        rows.forEach(
                row -> stored.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row.value()));

        assertThat(differences(stored, normalised(expected.values)))
                .as("metric values not stored exactly once with their value")
                .isEmpty();
        assertThat(rows).hasSize(expected.values.size());
    }

    @Test
    void publishesEveryReadingOnceOnTheRawAndEnrichedTopics() {
        // A request retried after the gateway died must not have written its readings twice.
        Map<Key, List<String>> raw = new HashMap<>();
        for (ConsumerRecord<String, TelemetryReading> record :
                read(Topics.TELEMETRY_RAW, AvroSerde.of(TelemetryReading.class))) {
            raw.computeIfAbsent(new Key(record.key(), "", record.value().getTs()), key -> new ArrayList<>())
                    .add("");
        }
        Map<Key, List<String>> enriched = new HashMap<>();
        for (ConsumerRecord<String, EnrichedReading> record :
                read(Topics.TELEMETRY_ENRICHED, AvroSerde.of(EnrichedReading.class))) {
            enriched.computeIfAbsent(new Key(record.key(), "", record.value().getTs()), key -> new ArrayList<>())
                    .add("");
        }

        Map<Key, String> hours = new HashMap<>();
        expected.values.keySet().forEach(key -> hours.put(new Key(key.deviceId(), "", key.ts()), ""));
        assertThat(hours).hasSize(2 * 1488);
        assertThat(differences(raw, hours))
                .as("readings not published exactly once on %s", Topics.TELEMETRY_RAW)
                .isEmpty();
        assertThat(differences(enriched, hours))
                .as("readings not published exactly once on %s", Topics.TELEMETRY_ENRICHED)
                .isEmpty();
    }

    @Test
    void storesOneAggregatePerWindowWithTheHourlyValue() throws SQLException {
        Map<Integer, Map<Key, List<List<Object>>>> bySize = Map.of(60, new HashMap<>(), 3600, new HashMap<>());
        long rows = 0;
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement("SELECT device_id, metric, window_size_seconds,"
                        + " window_start, window_end, count, min, max, sum, avg FROM telemetry.window_aggregates"
                        + " WHERE device_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows++;
                    Instant start = instant(row, 4);
                    bySize.get(row.getInt(3))
                            .computeIfAbsent(new Key(row.getString(1), row.getString(2), start), k -> new ArrayList<>())
                            .add(aggregate(
                                    Duration.between(start, instant(row, 5)),
                                    row.getLong(6),
                                    row.getDouble(7),
                                    row.getDouble(8),
                                    row.getDouble(9),
                                    row.getDouble(10)));
                }
            }
        }

        assertThat(rows).isEqualTo(2L * expected.values.size());
        for (int size : List.of(60, 3600)) {
            assertThat(differences(bySize.get(size), expectedAggregates(Duration.ofSeconds(size))))
                    .as("%d-second windows not stored exactly once with the hourly value", size)
                    .isEmpty();
        }
    }

    @Test
    void publishesEachWindowExactlyOnceOnTheAggregateTopics() {
        Map<String, List<String>> differencesByTopic = new TreeMap<>();
        for (Duration size : WINDOW_SIZES) {
            String topic = Topics.aggregates(size);
            Map<Key, List<List<Object>>> published = new HashMap<>();
            for (ConsumerRecord<String, MetricWindowAggregate> record :
                    read(topic, AvroSerde.of(MetricWindowAggregate.class))) {
                MetricWindowAggregate value = record.value();
                assertThat(record.key()).isEqualTo(value.getDeviceId());
                assertThat(value.getDeviceType()).isEqualTo(DEVICE_TYPE);
                assertThat(value.getWindowSizeMillis()).isEqualTo(size.toMillis());
                published
                        .computeIfAbsent(
                                new Key(value.getDeviceId(), value.getMetric(), value.getWindowStart()),
                                key -> new ArrayList<>())
                        .add(aggregate(
                                Duration.between(value.getWindowStart(), value.getWindowEnd()),
                                value.getCount(),
                                value.getMin(),
                                value.getMax(),
                                value.getSum(),
                                value.getAvg()));
            }
            differencesByTopic.put(topic, differences(published, expectedAggregates(size)));
        }

        assertThat(differencesByTopic)
                .as("windows not published exactly once with the hourly value, per topic")
                .allSatisfy((topic, differences) -> assertThat(differences).isEmpty());
    }

    /**
     * The stream topics must keep replayed history: Kafka's time-based retention is measured on record timestamps,
     * which are event times here (2015), so a topic left at the broker's default retention deletes each segment of
     * history as soon as it rolls, and whatever a crashed sink had not read by then never reaches PostgreSQL.
     */
    @Test
    void keepsEveryTopicConfiguredAsTheCatalogueSays() throws Exception {
        List<Topics.TopicSpec> catalogue = Topics.catalogue(6, WINDOW_SIZES);
        Map<String, Map<String, String>> wanted = new TreeMap<>();
        Map<String, Map<String, String>> actual = new TreeMap<>();
        try (Admin admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            List<ConfigResource> resources = catalogue.stream()
                    .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            for (Topics.TopicSpec spec : catalogue) {
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                Map<String, String> values = new TreeMap<>();
                spec.configs()
                        .keySet()
                        .forEach(key -> values.put(key, config.get(key).value()));
                wanted.put(spec.name(), new TreeMap<>(spec.configs()));
                actual.put(spec.name(), values);
            }
        }

        assertThat(actual).as("topic settings on the broker").isEqualTo(wanted);
    }

    /** The processor must die in the middle of an episode for the next test to prove anything about restarts. */
    @Test
    void killsTheProcessorWhileAnEpisodeIsOpen() {
        Instant killedAfter = crasher.roundEnds.get(PROCESSOR_CRASH_ROUND - 1);
        assertThat(expectedEpisodes())
                .as(
                        "episodes open at the end of round %d (%s), when the processor is killed",
                        PROCESSOR_CRASH_ROUND, killedAfter)
                .anySatisfy(episode -> {
                    assertThat(episode.raisedAt()).isBefore(killedAfter);
                    assertThat(episode.clearedAt()).isAfter(killedAfter);
                });
    }

    @Test
    void publishesOneRaisedAndOneClearedPerEpisode() {
        Map<String, List<AlertEvent>> byAlert = new HashMap<>();
        List<ConsumerRecord<String, AlertEvent>> records = read(Topics.ALERTS, AvroSerde.of(AlertEvent.class));
        for (ConsumerRecord<String, AlertEvent> record : records) {
            assertThat(record.key()).isEqualTo(record.value().getDeviceId());
            byAlert.computeIfAbsent(record.value().getAlertId(), id -> new ArrayList<>())
                    .add(record.value());
        }

        List<Episode> published = new ArrayList<>();
        byAlert.forEach((alertId, events) -> {
            assertThat(events)
                    .as("events of alert [%s]", alertId)
                    .extracting(AlertEvent::getState)
                    .isIn(List.of(AlertState.RAISED), List.of(AlertState.RAISED, AlertState.CLEARED));
            AlertEvent raised = events.get(0);
            assertThat(raised.getEventTime()).isEqualTo(raised.getRaisedAt());
            assertThat(raised.getThreshold()).isEqualTo(DemoReplay.RAISE_THRESHOLD);
            AlertEvent cleared = events.size() > 1 ? events.get(1) : null;
            if (cleared != null) {
                assertThat(cleared.getRaisedAt()).isEqualTo(raised.getRaisedAt());
                assertThat(cleared.getThreshold()).isEqualTo(DemoReplay.CLEAR_THRESHOLD);
            }
            published.add(new Episode(
                    raised.getDeviceId(),
                    raised.getRaisedAt(),
                    raised.getValue(),
                    cleared == null ? null : cleared.getEventTime(),
                    cleared == null ? null : cleared.getValue()));
        });
        assertThat(published).containsExactlyInAnyOrderElementsOf(expectedEpisodes());
        long expectedEvents = expectedEpisodes().stream()
                .mapToLong(e -> e.clearedAt() == null ? 1 : 2)
                .sum();
        assertThat(records).hasSize((int) expectedEvents);
    }

    @Test
    void storesEachEpisodeOnceWithTheAlertIdsOfTheTopic() throws SQLException {
        List<StoredAlert> alerts = storedAlerts(stack);
        List<Episode> stored = alerts.stream().map(StoredAlert::episode).toList();
        List<String> alertIds = alerts.stream().map(StoredAlert::alertId).toList();
        List<String> storedEvents = new ArrayList<>();
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement("SELECT e.alert_id || ' ' || e.state"
                        + " FROM telemetry.alert_events e JOIN telemetry.alerts a USING (alert_id)"
                        + " WHERE a.device_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", DEVICE_IDS.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    storedEvents.add(row.getString(1));
                }
            }
        }
        List<String> publishedEvents = read(Topics.ALERTS, AvroSerde.of(AlertEvent.class)).stream()
                .map(record ->
                        record.value().getAlertId() + " " + record.value().getState())
                .toList();

        assertThat(stored).containsExactlyElementsOf(expectedEpisodes());
        assertThat(alertIds).doesNotHaveDuplicates();
        assertThat(storedEvents).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(publishedEvents);
    }

    // ---- expectations ----------------------------------------------------------------------------------------

    private List<Episode> expectedEpisodes() {
        return WinterSlice.expectedEpisodes(expected, DemoReplay.RAISE_THRESHOLD, DemoReplay.CLEAR_THRESHOLD);
    }

    /** Each hourly value is alone in its window: count 1, and min, max, sum and average all equal to the value. */
    private Map<Key, List<Object>> expectedAggregates(Duration size) {
        Map<Key, List<Object>> want = new HashMap<>();
        expected.values.forEach((key, value) -> want.put(key, aggregate(size, 1, value, value, value, value)));
        return want;
    }

    /**
     * Every key not published exactly once with its expected value, one line each (the first 20, then how many
     * more), so that a failure shows what went wrong rather than two maps of 32,601 entries.
     */
    private static <K, V> List<String> differences(Map<K, List<V>> published, Map<K, V> expected) {
        List<String> lines = new ArrayList<>();
        expected.forEach((key, value) -> {
            List<V> found = published.getOrDefault(key, List.of());
            if (!found.equals(List.of(value))) {
                lines.add(key + ": expected once " + value + ", published " + found.size() + " time(s) " + found);
            }
        });
        published.forEach((key, found) -> {
            if (!expected.containsKey(key)) {
                lines.add(key + ": not expected, published " + found.size() + " time(s) " + found);
            }
        });
        Collections.sort(lines);
        if (lines.size() <= 20) {
            return lines;
        }
        List<String> first = new ArrayList<>(lines.subList(0, 20));
        first.add("... and " + (lines.size() - 20) + " more");
        return first;
    }

    private static List<Object> aggregate(Duration length, long count, double min, double max, double sum, double avg) {
        return List.of(length, count, normalised(min), normalised(max), normalised(sum), normalised(avg));
    }

    // ---- crashes ---------------------------------------------------------------------------------------------

    /**
     * Kills a service with SIGKILL after its round and starts it again on another thread, so that the replay goes
     * on while it is down; the next crash (and the end of the replay) first waits for the restart to finish, so that
     * only one service is down at a time.
     */
    private final class Crasher implements DemoReplay.RoundListener {

        final List<Integer> rounds = Collections.synchronizedList(new ArrayList<>());
        final List<Instant> roundEnds = Collections.synchronizedList(new ArrayList<>());
        final List<Crash> crashes = Collections.synchronizedList(new ArrayList<>());
        private final Map<Integer, ServiceName> schedule = Map.of(
                PROCESSOR_CRASH_ROUND, ServiceName.STREAM_PROCESSOR,
                SINK_CRASH_ROUND, ServiceName.TELEMETRY_SINK,
                GATEWAY_CRASH_ROUND, ServiceName.INGEST_GATEWAY);
        private final ExecutorService restarts = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "crash-restart");
            thread.setDaemon(true);
            return thread;
        });
        private Future<Crash> restart;

        @Override
        public void roundAcknowledged(int round, Instant roundEnd) {
            rounds.add(round);
            roundEnds.add(roundEnd);
            ServiceName victim = schedule.get(round);
            if (victim == null) {
                return;
            }
            awaitRestart();
            ServiceProcess service = stack.service(victim);
            long pid = service.pid();
            System.out.println("CRASH: killing " + victim.moduleName() + " (pid " + pid + ") with SIGKILL after round "
                    + round + " of " + ROUNDS);
            service.kill();
            boolean dead = ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
            restart = restarts.submit(() -> {
                long started = System.nanoTime();
                service.start();
                System.out.printf(
                        "CRASH: %s is back as pid %d after %.1f s%n",
                        victim.moduleName(), service.pid(), (System.nanoTime() - started) / 1e9);
                Crash crash = new Crash(victim, round, pid, dead, service.pid());
                crashes.add(crash);
                return crash;
            });
        }

        /** Waits until the last killed service is ready again. */
        void awaitRestart() {
            if (restart == null) {
                return;
            }
            try {
                restart.get(RESTART_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("A killed service was not ready again within " + RESTART_TIMEOUT.toSeconds()
                        + " s; see its log in " + stack.logDir());
            } catch (ExecutionException e) {
                throw new AssertionError(
                        "Restarting a killed service failed: " + e.getCause().getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for a restart", e);
            } finally {
                restart = null;
            }
        }

        void shutdown() {
            restarts.shutdownNow();
        }
    }

    // ---- access ----------------------------------------------------------------------------------------------

    private <V> List<ConsumerRecord<String, V>> read(String topic, Deserializer<V> values) {
        return CommittedTopic.readAll(stack.kafka().bootstrapServers(), topic, values, READ_TIMEOUT);
    }

    private Connection connect() throws SQLException {
        return WinterSlice.connect(stack);
    }
}
