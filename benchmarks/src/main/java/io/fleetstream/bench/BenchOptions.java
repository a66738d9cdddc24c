package io.fleetstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * How the edge benchmark runs; read from {@code -Dbench.*} system properties so that {@code run.sh} can pass them
 * through unchanged.
 *
 * @param warmUp how long each phase runs before it is measured (JIT, connection set-up, producer batches)
 * @param measure how long each phase is measured
 * @param maxRequestsPerPhase a bound on the requests of one edge phase, warm-up included
 * @param maxRecords a bound on the records of each raw producer phase, warm-up included
 * @param devices devices provisioned; requests go to them in turn
 * @param batchSize readings per request in the batched phase
 * @param batchConnections connections (and requests in flight) of the batched phase
 * @param singleConnections connections (and requests in flight) of the single-reading phase
 * @param rawInFlight records the raw producer may have unacknowledged at once; by default as many as the batched phase
 *     has readings in flight ({@code batchConnections * batchSize}), so that neither side is given more concurrency
 * @param client the HTTP client that generates the load
 * @param clientThreads event-loop (Vert.x) or executor (JDK) threads of the load generator (the NIO client has one)
 * @param gatewayHeap {@code -Xmx} of the gateway JVM
 * @param gatewayArgs extra JVM arguments of the gateway, for example {@code -Dfleetstream.ingest.producer.linger=1ms}
 * @param gatewayJar the packaged gateway, or empty for the one in this checkout
 * @param jfr whether to record the gateway with Flight Recorder while the single-reading phase is measured
 * @param workDir broker data, gateway log and recording; deleted at the start of a run
 */
record BenchOptions(
        Duration warmUp,
        Duration measure,
        long maxRequestsPerPhase,
        long maxRecords,
        int devices,
        int batchSize,
        int batchConnections,
        int singleConnections,
        int rawInFlight,
        ClientKind client,
        int clientThreads,
        String gatewayHeap,
        List<String> gatewayArgs,
        Optional<Path> gatewayJar,
        boolean jfr,
        Path workDir) {

    /** The load generator's HTTP client. */
    enum ClientKind {
        NIO,
        VERTX,
        JDK
    }

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Options (system properties, passed through by run.sh):",
            "  -Dbench.warm-up=10s              warm-up of each phase",
            "  -Dbench.measure=20s              measured time of each phase",
            "  -Dbench.max-requests=5000000     bound on requests per edge phase",
            "  -Dbench.max-records=100000000    bound on records of each raw producer phase",
            "  -Dbench.devices=1000             devices and credentials provisioned",
            "  -Dbench.batch-size=100           readings per request in the batched phase",
            "  -Dbench.batch-connections=128    connections in the batched phase",
            "  -Dbench.single-connections=256   connections in the single-reading phase",
            "  -Dbench.raw-in-flight=N          unacknowledged records of the raw producer (default: batch-connections"
                    + " x batch-size, the readings the batched phase has in flight)",
            "  -Dbench.client=nio               load generator: nio (plain HTTP/1.1, one thread), vertx or jdk"
                    + " (java.net.http)",
            "  -Dbench.client-threads=1         event loops (vertx) or executor threads (jdk) of the client; nio has"
                    + " one",
            "  -Dbench.gateway.heap=384m        heap of the gateway JVM",
            "  -Dbench.gateway.args='-Da=b -Dc=d'  extra JVM arguments of the gateway; -Dfleetstream.ingest.producer.*"
                    + " applies to the raw phase too; the rate limit is raised to 1000000/s unless set here",
            "  -Dbench.gateway.jar=PATH         another packaged gateway (default: this checkout's)",
            "  -Dbench.jfr=true                 record the gateway with JFR during the single-reading measurement",
            "  -Dbench.work-dir=DIR             data and logs (default target/bench-run under benchmarks/)");

    BenchOptions {
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("-Dbench.warm-up must not be negative");
        }
        if (measure.isZero() || measure.isNegative()) {
            throw new IllegalArgumentException("-Dbench.measure must be positive");
        }
        positive(maxRequestsPerPhase, "bench.max-requests");
        positive(maxRecords, "bench.max-records");
        positive(devices, "bench.devices");
        positive(batchSize, "bench.batch-size");
        positive(batchConnections, "bench.batch-connections");
        positive(singleConnections, "bench.single-connections");
        positive(rawInFlight, "bench.raw-in-flight");
        positive(clientThreads, "bench.client-threads");
        gatewayArgs = List.copyOf(gatewayArgs);
    }

    static BenchOptions from(Properties properties, Path defaultWorkDir) {
        int batchSize = integer(properties, "bench.batch-size", 100);
        int batchConnections = integer(properties, "bench.batch-connections", 128);
        return new BenchOptions(
                duration(properties, "bench.warm-up", "10s"),
                duration(properties, "bench.measure", "20s"),
                Long.parseLong(properties.getProperty("bench.max-requests", "5000000")),
                Long.parseLong(properties.getProperty("bench.max-records", "100000000")),
                integer(properties, "bench.devices", 1000),
                batchSize,
                batchConnections,
                integer(properties, "bench.single-connections", 256),
                integer(properties, "bench.raw-in-flight", batchConnections * batchSize),
                ClientKind.valueOf(
                        properties.getProperty("bench.client", "nio").strip().toUpperCase(Locale.ROOT)),
                integer(properties, "bench.client-threads", 1),
                properties.getProperty("bench.gateway.heap", "384m"),
                splitArgs(properties.getProperty("bench.gateway.args", "")),
                Optional.ofNullable(properties.getProperty("bench.gateway.jar"))
                        .filter(s -> !s.isBlank())
                        .map(Path::of),
                Boolean.parseBoolean(properties.getProperty("bench.jfr", "true")),
                Optional.ofNullable(properties.getProperty("bench.work-dir"))
                        .filter(s -> !s.isBlank())
                        .map(Path::of)
                        .orElse(defaultWorkDir));
    }

    /** Splits on whitespace; an argument that needs a space inside cannot be passed (none of the gateway's do). */
    static List<String> splitArgs(String text) {
        List<String> args = new ArrayList<>();
        for (String part : text.strip().split("\\s+")) {
            if (!part.isEmpty()) {
                args.add(part);
            }
        }
        return args;
    }

    /** Parses {@code 10s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration. */
    static Duration parseDuration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write for example 10s or 500ms");
        }
    }

    private static Duration duration(Properties properties, String key, String fallback) {
        return parseDuration(properties.getProperty(key, fallback));
    }

    private static int integer(Properties properties, String key, int fallback) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + key + "=" + value + " is not a whole number");
        }
    }

    private static void positive(long value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException("-D" + key + " must be positive, got " + value);
        }
    }
}
