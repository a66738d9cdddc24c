package io.fleetstream.bench;

import io.fleetstream.infra.KafkaBroker;
import io.fleetstream.infra.Ports;
import io.fleetstream.schema.Topics;
import io.fleetstream.stack.RepoRoot;
import io.fleetstream.stack.ServiceName;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ingestion-edge benchmark (issue 3): in one run, against one broker it starts itself, how many records per second
 * a plain Kafka producer writes, how many readings per second the gateway takes in batches, and how many single-reading
 * requests per second it answers, with latencies, CPU use, a correctness check and the verdict on both goals.
 *
 * <p>Started by {@code benchmarks/run.sh}; never by the build. Exit code 0 when the run completed and every answer was
 * correct (whatever the verdict on the goals), 1 when the run failed, 2 when answers or offsets were wrong.
 */
public final class EdgeBenchmark {

    /** Batched readings per second must reach at least this share of the raw producer's records per second. */
    static final double BATCHED_SHARE_GOAL = 0.5;

    private static final String RAW_TUNED = "raw producer, gateway's settings";
    private static final String RAW_DEFAULTS = "raw producer, Kafka's defaults";

    /** Single-reading requests per second the edge should answer. */
    static final double SINGLE_REQUESTS_GOAL = 20_000;

    /** The gateway's per-device rate limit, raised for the run unless {@code bench.gateway.args} sets it. */
    static final String RATE_LIMIT = "fleetstream.ingest.rate-limit.readings-per-second";

    private final BenchOptions options;
    private final Path repoRoot;
    private final PrintStream out;

    private EdgeBenchmark(BenchOptions options, Path repoRoot, PrintStream out) {
        this.options = options;
        this.repoRoot = repoRoot;
        this.out = out;
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.out.println(BenchOptions.USAGE);
            System.exit(args[0].equals("--help") ? 0 : 1);
        }
        int code;
        try {
            Path root = RepoRoot.locate();
            BenchOptions options =
                    BenchOptions.from(System.getProperties(), root.resolve("benchmarks/target/bench-run"));
            code = new EdgeBenchmark(options, root, System.out).run() ? 0 : 2;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            code = 1;
        } catch (RuntimeException e) {
            System.err.println("The benchmark failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** Runs every phase; returns whether every answer and the offsets were as expected. */
    private boolean run() {
        Path jar = options.gatewayJar().orElse(ServiceName.INGEST_GATEWAY.runnerJar(repoRoot));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The packaged gateway " + jar + " is missing; build it with ./mvnw -B -ntp"
                    + " -pl services/ingest-gateway,benchmarks -am package -DskipTests (run.sh does)");
        }
        Path workDir = options.workDir().toAbsolutePath().normalize();
        prepare(workDir);
        printHeader(jar, workDir);

        out.println("Starting Kafka (" + workDir.resolve("kafka") + ")");
        try (KafkaBroker broker = KafkaBroker.start(workDir.resolve("kafka"))) {
            BenchKafka kafka = new BenchKafka(broker.bootstrapServers());
            kafka.createTopics();
            Instant now = Instant.now();
            // Ten minutes back: far enough that a run of any sensible length stays behind the gateway clock, and well
            // within its default maximum age of 30 days.
            Workload workload = Workload.create(options.devices(), now.minus(Duration.ofMinutes(10)));
            kafka.provision(workload, now);
            out.printf(
                    "Provisioned %d ACTIVE devices with one credential each on %s and %s%n",
                    options.devices(), Topics.REGISTRY_DEVICES, Topics.REGISTRY_CREDENTIALS);
            ProcessHandle brokerProcess = ProcessHandle.of(broker.pid()).orElse(null);

            GatewayProducerSettings tuning = GatewayProducerSettings.of(jar, gatewayArgs());
            out.println("Producer settings of the gateway, used by the first raw phase too: " + tuning.describe());
            ProducerBaseline tuned = new ProducerBaseline(
                    ProducerBaseline.gatewayProducerSettings(broker.bootstrapServers(), tuning),
                    workload,
                    options.rawInFlight(),
                    options.maxRecords());
            ProducerBaseline.RecordSize size = tuned.recordSize();
            out.printf(
                    "Record as the gateway writes it: key %d bytes, value %d bytes (Avro single-object"
                            + " TelemetryReading: 3 metrics, 1 attribute, messageId)%n",
                    size.keyBytes(), size.valueBytes());

            announce(
                    "1/4 raw Kafka producer, the gateway's settings",
                    "up to " + options.rawInFlight() + " records in flight");
            PhaseResult raw =
                    tuned.run(RAW_TUNED, options.warmUp(), options.measure(), new CpuMeter(null, brokerProcess));
            printPhase(raw, "records");

            announce(
                    "2/4 raw Kafka producer, Kafka's default settings (acks=all, 16 KB batches, no compression)",
                    "up to " + options.rawInFlight() + " records in flight");
            ProducerBaseline plain = new ProducerBaseline(
                    ProducerBaseline.kafkaDefaultSettings(broker.bootstrapServers()),
                    workload,
                    options.rawInFlight(),
                    options.maxRecords());
            PhaseResult rawDefaults =
                    plain.run(RAW_DEFAULTS, options.warmUp(), options.measure(), new CpuMeter(null, brokerProcess));
            printPhase(rawDefaults, "records");

            int port = Ports.freeLoopbackPort();
            out.println("Starting the gateway on 127.0.0.1:" + port + " (log " + workDir.resolve("gateway") + ")");
            try (GatewayProcess gateway = GatewayProcess.start(
                    jar,
                    port,
                    options.gatewayHeap(),
                    gatewayArgs(),
                    gatewayConfig(broker, port),
                    workDir.resolve("gateway"))) {
                gateway.awaitCredentials(options.devices(), Duration.ofSeconds(60));
                out.println(
                        "Gateway ready (pid " + gateway.pid() + "), knows all " + options.devices() + " credentials");
                CpuMeter meter = new CpuMeter(gateway.handle(), brokerProcess);

                long offsetsBefore = kafka.endOffsetSum(Topics.TELEMETRY_RAW);
                announce(
                        "3/4 edge, " + options.batchSize() + " readings per request",
                        options.batchConnections() + " connections");
                PhaseResult batched;
                try (LoadClient client = client(port, options.batchConnections())) {
                    out.println("  client: " + client.describe());
                    batched = new EdgeLoad(
                                    client, workload, options.batchSize(), options.batchConnections(), maxRequests())
                            .run("edge batched", options.warmUp(), options.measure(), meter);
                }
                long offsetsBetween = kafka.endOffsetSum(Topics.TELEMETRY_RAW);
                printPhase(batched, "readings");

                announce("4/4 edge, 1 reading per request", options.singleConnections() + " connections");
                PhaseResult single = singlePhase(port, workload, meter, "edge single");
                long offsetsAfter = kafka.endOffsetSum(Topics.TELEMETRY_RAW);
                printPhase(single, "requests");

                boolean correct = printCorrectness(
                        batched, offsetsBetween - offsetsBefore, single, offsetsAfter - offsetsBetween);
                printSummary(size, raw, rawDefaults, batched, single);
                if (options.jfr()) {
                    correct &= profile(gateway, port, workload, meter, kafka, offsetsAfter, workDir);
                }
                out.println();
                out.println("Stopping the gateway (pid " + gateway.pid() + ") and Kafka (pid " + broker.pid() + ")");
                return correct;
            }
        }
    }

    private PhaseResult singlePhase(int port, Workload workload, CpuMeter meter, String name) {
        try (LoadClient client = client(port, options.singleConnections())) {
            out.println("  client: " + client.describe());
            return new EdgeLoad(client, workload, 1, options.singleConnections(), maxRequests())
                    .run(name, options.warmUp(), options.measure(), meter);
        }
    }

    /**
     * Runs the single-reading load once more with Flight Recorder on and prints where the gateway spent it. This is a
     * phase of its own because the recording is far from free here: started through jcmd in the running gateway
     * (with the profile settings, and with the default ones alike) it made the gateway spend about three times the CPU
     * per single-reading request, so the measured phases run without it.
     */
    private boolean profile(
            GatewayProcess gateway,
            int port,
            Workload workload,
            CpuMeter meter,
            BenchKafka kafka,
            long offsetsBefore,
            Path workDir) {
        Path recording = workDir.resolve("gateway-single.jfr");
        announce(
                "profile: edge, 1 reading per request, JFR on (not part of the goals)",
                options.singleConnections() + " connections");
        gateway.scheduleRecording(recording, options.warmUp(), options.measure());
        PhaseResult profiled = singlePhase(port, workload, meter, "edge single, JFR on");
        long offsetsAfter = kafka.endOffsetSum(Topics.TELEMETRY_RAW);
        printPhase(profiled, "requests");
        boolean correct = correctness(profiled, offsetsAfter - offsetsBefore, 1);
        if (gateway.awaitRecording(recording, Duration.ofSeconds(30))) {
            out.println();
            out.println("Gateway profile during the measured window of the profile phase (" + recording + "):");
            JfrHotSpots.read(recording).print(out, 20);
        } else {
            out.println("The recording " + recording + " was not written; see " + gateway.logFile());
        }
        return correct;
    }

    private long maxRequests() {
        return options.maxRequestsPerPhase();
    }

    private LoadClient client(int port, int connections) {
        return switch (options.client()) {
            case NIO -> new NioLoadClient(port, connections);
            case VERTX -> new VertxLoadClient(port, connections, options.clientThreads());
            case JDK -> new JdkLoadClient(port, options.clientThreads());
        };
    }

    /**
     * {@code bench.gateway.args}, plus a per-device rate limit far above what the load sends unless those arguments set
     * one: the benchmark measures the gateway's ceiling, not its per-device policy. The limiter still runs (a bucket
     * per device), as in production.
     */
    private List<String> gatewayArgs() {
        List<String> args = new ArrayList<>(options.gatewayArgs());
        if (args.stream().noneMatch(arg -> arg.startsWith("-D" + RATE_LIMIT + "="))) {
            args.add("-D" + RATE_LIMIT + "=1000000");
        }
        return args;
    }

    private Map<String, String> gatewayConfig(KafkaBroker broker, int port) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", Ports.LOOPBACK_HOST);
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("fleetstream.kafka.partitions", Integer.toString(BenchKafka.PARTITIONS));
        // A batch of 100 readings is about 15 kB; the default limits (1000 readings, 1 MiB) already allow it.
        return config;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Output

    private void printHeader(Path jar, Path workDir) {
        out.println("== Fleetstream ingestion-edge benchmark ==");
        out.println("date      "
                + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        Instant.now().atOffset(ZoneOffset.UTC).withNano(0)));
        out.println("machine   " + MachineInfo.describe());
        out.println("java      " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.println("gateway   " + jar + " " + gatewayArgs());
        out.printf(
                "phases    %d s warm-up + %d s measured each; %d devices; client %s with %d thread(s);" + " JFR %s%n",
                options.warmUp().toSeconds(),
                options.measure().toSeconds(),
                options.devices(),
                options.client().name().toLowerCase(),
                options.clientThreads(),
                options.jfr() ? "on in an extra single-reading phase after the measured ones" : "off");
        out.println("work dir  " + workDir);
    }

    private void announce(String phase, String detail) {
        out.println();
        out.printf(
                "Phase %s (%s): %d s warm-up, %d s measured%n",
                phase, detail, options.warmUp().toSeconds(), options.measure().toSeconds());
    }

    private void printPhase(PhaseResult result, String unit) {
        out.printf(
                "  %,.0f %s/s",
                result.name().startsWith("edge single") ? result.operationsPerSecond() : result.itemsPerSecond(), unit);
        if (result.name().equals("edge batched")) {
            out.printf(" (%,.0f requests/s)", result.operationsPerSecond());
        }
        out.printf(
                "; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                result.latencyMillis(50), result.latencyMillis(99), result.latencyMillis(100));
        CpuMeter.Usage cpu = result.cpu();
        out.printf(
                "  CPU (cores of %d): load generator %.2f, gateway %.2f (kernel %.2f of it), Kafka %.2f,"
                        + " everything else %.2f%n",
                cpu.cores(), cpu.client(), cpu.gateway(), cpu.gatewaySystem(), cpu.broker(), cpu.other());
        double perSecond = result.operationsPerSecond();
        if (perSecond > 0) {
            // CPU time per operation hardly depends on how many cores other processes took, unlike the rate.
            out.printf(
                    "  CPU per %s: load generator %.1f us, gateway %.1f us, Kafka %.1f us%n",
                    isRaw(result) ? "record" : "request",
                    cpu.client() / perSecond * 1e6,
                    cpu.gateway() / perSecond * 1e6,
                    cpu.broker() / perSecond * 1e6);
            double perOperation = (cpu.client() + cpu.gateway() + cpu.broker()) / perSecond;
            out.printf(
                    "  CPU-bound estimate with the machine to itself: %,.0f %s/s (%d cores / %.1f us per %s)%n",
                    cpu.cores() / perOperation * result.itemsPerOperation(),
                    unit,
                    cpu.cores(),
                    perOperation * 1e6,
                    isRaw(result) ? "record" : "request");
        }
        if (result.boundReached()) {
            out.printf(
                    "  BOUND REACHED: the phase stopped after %,d %s, before its measured window ended; the rate above"
                            + " is too low. Raise -Dbench.%s.%n",
                    result.operationsTotal(),
                    isRaw(result) ? "records" : "requests",
                    isRaw(result) ? "max-records" : "max-requests");
        }
        if (result.unexpectedCount() > 0) {
            out.println("  UNEXPECTED: " + result.unexpected());
        }
    }

    private boolean printCorrectness(PhaseResult batched, long batchedGrowth, PhaseResult single, long singleGrowth) {
        out.println();
        out.println("Correctness (whole phases, warm-up included):");
        boolean batchedOk = correctness(batched, batchedGrowth, options.batchSize());
        boolean singleOk = correctness(single, singleGrowth, 1);
        return batchedOk && singleOk;
    }

    private boolean correctness(PhaseResult result, long topicGrowth, int readingsPerRequest) {
        long expected = result.operationsTotal() * readingsPerRequest;
        boolean allAccepted = result.unexpectedCount() == 0 && result.acceptedTotal() == expected;
        boolean offsetsMatch = topicGrowth == result.acceptedTotal();
        out.printf(
                "  %-20s %,d requests, %s; %,d readings accepted of %,d sent; %s grew by %,d: %s%n",
                result.name(),
                result.operationsTotal(),
                result.unexpectedCount() == 0 ? "every one answered 202" : result.unexpectedCount() + " NOT 202",
                result.acceptedTotal(),
                expected,
                Topics.TELEMETRY_RAW,
                topicGrowth,
                allAccepted && offsetsMatch ? "OK" : "WRONG");
        return allAccepted && offsetsMatch;
    }

    private void printSummary(
            ProducerBaseline.RecordSize size,
            PhaseResult raw,
            PhaseResult rawDefaults,
            PhaseResult batched,
            PhaseResult single) {
        out.println();
        out.println("Summary");
        out.printf("  record size (key + Avro value)        %d + %d bytes%n", size.keyBytes(), size.valueBytes());
        summaryLine("raw producer, gateway's settings", raw.itemsPerSecond(), "records/s", raw);
        summaryLine("raw producer, Kafka's defaults", rawDefaults.itemsPerSecond(), "records/s", rawDefaults);
        summaryLine(
                "edge, " + options.batchSize() + " readings per request",
                batched.itemsPerSecond(),
                "readings/s",
                batched);
        summaryLine("edge, 1 reading per request", single.operationsPerSecond(), "requests/s", single);
        double share = shareOf(batched, raw);
        double shareOfDefaults = shareOf(batched, rawDefaults);
        double singleShare = single.operationsPerSecond() / SINGLE_REQUESTS_GOAL;
        out.println();
        out.println("Goals");
        out.printf(
                "  batched readings/s / raw records/s, Kafka's default producer    = %.2f (goal >= %.1f)  %s%n",
                shareOfDefaults, BATCHED_SHARE_GOAL, verdict(shareOfDefaults >= BATCHED_SHARE_GOAL));
        out.printf(
                "  batched readings/s / raw records/s, gateway's producer settings = %.2f (goal >= %.1f)  %s%n",
                share, BATCHED_SHARE_GOAL, verdict(share >= BATCHED_SHARE_GOAL));
        out.printf(
                "  single requests/s = %,.0f = %.2f of the %,.0f/s goal                          %s%n",
                single.operationsPerSecond(), singleShare, SINGLE_REQUESTS_GOAL, verdict(singleShare >= 1));
        out.printf(
                "RESULT {\"rawRecordsPerSecond\":%.0f,\"rawDefaultsRecordsPerSecond\":%.0f,"
                        + "\"batchedReadingsPerSecond\":%.0f,\"batchedRequestsPerSecond\":%.0f,"
                        + "\"singleRequestsPerSecond\":%.0f,"
                        + "\"batchedP50Ms\":%.2f,\"batchedP99Ms\":%.2f,\"singleP50Ms\":%.2f,\"singleP99Ms\":%.2f,"
                        + "\"batchedShareOfRaw\":%.3f,\"batchedShareOfRawDefaults\":%.3f,\"singleShareOfGoal\":%.3f,"
                        + "\"clientCoresSingle\":%.2f,\"gatewayCoresSingle\":%.2f}%n",
                raw.itemsPerSecond(),
                rawDefaults.itemsPerSecond(),
                batched.itemsPerSecond(),
                batched.operationsPerSecond(),
                single.operationsPerSecond(),
                batched.latencyMillis(50),
                batched.latencyMillis(99),
                single.latencyMillis(50),
                single.latencyMillis(99),
                share,
                shareOfDefaults,
                singleShare,
                single.cpu().client(),
                single.cpu().gateway());
    }

    private static double shareOf(PhaseResult edge, PhaseResult raw) {
        return raw.itemsPerSecond() == 0 ? 0 : edge.itemsPerSecond() / raw.itemsPerSecond();
    }

    private static String verdict(boolean met) {
        return met ? "PASS" : "MISS";
    }

    private static boolean isRaw(PhaseResult result) {
        return result.name().equals(RAW_TUNED) || result.name().equals(RAW_DEFAULTS);
    }

    private void summaryLine(String what, double rate, String unit, PhaseResult result) {
        out.printf(
                "  %-37s %,10.0f %-11s p50 %7.2f ms  p99 %7.2f ms%n",
                what, rate, unit, result.latencyMillis(50), result.latencyMillis(99));
    }

    /**
     * Deletes what an earlier run left in the benchmark's own subdirectories (never the work directory as a whole, so
     * a mistyped {@code bench.work-dir} cannot remove anything else).
     */
    private static void prepare(Path workDir) {
        try {
            Files.createDirectories(workDir);
            for (String name : List.of("kafka", "gateway")) {
                Path dir = workDir.resolve(name);
                if (Files.exists(dir)) {
                    List<Path> paths = new ArrayList<>();
                    try (Stream<Path> walk = Files.walk(dir)) {
                        walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
                    }
                    for (Path path : paths) {
                        Files.delete(path);
                    }
                }
            }
            Files.deleteIfExists(workDir.resolve("gateway-single.jfr"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the work directory " + workDir, e);
        }
    }
}
