package io.fleetstream.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Apache Kafka broker in its own JVM, listening on 127.0.0.1 only.
 *
 * <p>The broker runs in KRaft combined mode (one node that is both broker and controller) as a separate process
 * rather than inside the calling JVM. That keeps Kafka's server jars and their logging off the test classpath, and it
 * lets fault tests do what happens in production: {@link #kill()} sends SIGKILL to the broker process, and
 * {@link #restart()} brings it back on the same port over the same data, so that tests can check what survives.
 *
 * <p>The broker's classpath is fixed at build time: the build writes the absolute paths of kafka_2.13's runtime jars
 * and a log4j2 SLF4J binding into the resource {@code kafka-broker.classpath} next to this class. The system property
 * {@code fleetstream.kafka.classpath} overrides it (a path-separator separated list, as for {@code java -cp}).
 *
 * <p>Layout of the data directory:
 *
 * <ul>
 *   <li>{@code server.properties}, {@code log4j2.xml}: written on every start;
 *   <li>{@code kraft/}: the log directory (topics and cluster metadata), formatted once and reused afterwards;
 *   <li>{@code logs/server.log}: the broker's own log;
 *   <li>{@code broker.out}: standard output and error of the broker JVM and of the storage format tool.
 * </ul>
 *
 * <p>The broker ends with the JVM that started it: a shutdown hook stops it, and because a hook does not run when that
 * JVM is killed with SIGKILL, a small shell guard also sends the broker SIGTERM within about a second of the JVM's
 * death.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Partitions of a topic created without an explicit count, unless the caller asks for another default. */
    public static final int DEFAULT_PARTITIONS = 3;

    /** System property that replaces the build-time classpath of the broker JVM. */
    public static final String CLASSPATH_PROPERTY = "fleetstream.kafka.classpath";

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int partitions;
    private final String classpath;
    private final Thread shutdownHook;

    private Process process;
    private Process guard;
    private long logOffset;
    private long outOffset;
    private boolean closed;

    private KafkaBroker(Path dataDir, int port, int partitions, String classpath, boolean shutdownHook) {
        this.dataDir = dataDir;
        this.port = port;
        this.partitions = partitions;
        this.classpath = classpath;
        this.shutdownHook = shutdownHook
                ? ProcessSupport.addShutdownHook("kafka-broker-" + port + "-shutdown", this::stopQuietly)
                : null;
    }

    /**
     * Starts a broker on a free loopback port with {@value #DEFAULT_PARTITIONS} partitions per topic by default.
     *
     * <p>Should another process take the chosen port before the broker binds it, the broker is started again on a new
     * port, up to three times.
     */
    public static KafkaBroker start(Path dataDir) {
        return start(dataDir, true);
    }

    /**
     * As {@link #start(Path)}; without a shutdown hook of its own for an owner that stops the broker itself on exit.
     */
    static KafkaBroker start(Path dataDir, boolean shutdownHook) {
        return Ports.onFreePort(port -> start(dataDir, port, DEFAULT_PARTITIONS, shutdownHook));
    }

    /**
     * Starts a broker on the given loopback port and waits until it answers an admin request.
     *
     * @param dataDir directory for configuration, data and logs; created if missing, reused if it holds a broker's
     *     data already
     * @param port the client (PLAINTEXT) port; the controller listener gets another free loopback port
     * @param partitions the broker's {@code num.partitions}, used for topics created without a partition count
     */
    public static KafkaBroker start(Path dataDir, int port, int partitions) {
        return start(dataDir, port, partitions, true);
    }

    private static KafkaBroker start(Path dataDir, int port, int partitions, boolean shutdownHook) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Not a TCP port: " + port);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition, got " + partitions);
        }
        KafkaBroker broker =
                new KafkaBroker(dataDir.toAbsolutePath(), port, partitions, brokerClasspath(), shutdownHook);
        try {
            synchronized (broker) {
                broker.launch();
            }
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The {@code bootstrap.servers} value for clients, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK_HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's own log file, the first place to look when it misbehaves. */
    public Path logFile() {
        return dataDir.resolve("logs").resolve("server.log");
    }

    /**
     * The process id of the broker JVM, also after it was killed; fault tests use it to check the process is gone.
     *
     * @throws IllegalStateException if the broker was never started or has been closed
     */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("Kafka broker on port " + port + " has no process");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the broker with SIGKILL, as a crash or an OOM killer would, and waits until the process has exited.
     *
     * <p>Nothing is flushed: what survives is what the broker had written to the operating system before, which is
     * the point of a fault test.
     */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        OrphanGuard.stop(guard);
        long pid = process.pid();
        process.destroyForcibly();
        awaitProcessExit(Duration.ofSeconds(30));
        LOG.log(Level.INFO, "Killed Kafka broker at " + bootstrapServers() + " (pid " + pid + ") with SIGKILL");
    }

    /**
     * Stops the broker gracefully with SIGTERM, falling back to SIGKILL after 30 seconds.
     *
     * <p>A graceful stop flushes the logs and lets the next start skip log recovery.
     */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        OrphanGuard.stop(guard);
        long pid = process.pid();
        long started = System.nanoTime();
        process.destroy();
        if (awaitProcessExit(STOP_TIMEOUT)) {
            LOG.log(
                    Level.INFO,
                    "Stopped Kafka broker at " + bootstrapServers() + " (pid " + pid + ") in "
                            + ProcessSupport.elapsedMillis(started) + " ms");
        } else {
            process.destroyForcibly();
            awaitProcessExit(Duration.ofSeconds(30));
            LOG.log(
                    Level.WARNING,
                    "Kafka broker at " + bootstrapServers() + " (pid " + pid + ") ignored SIGTERM for "
                            + STOP_TIMEOUT.toSeconds() + " s and was killed; see " + logFile());
        }
    }

    /**
     * Starts the broker again on the same port over the same data and waits until it is ready; stops it gracefully
     * first if it is still running.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("Kafka broker on port " + port + " is closed");
        }
        stop();
        launch();
    }

    /**
     * Creates a topic with replication factor 1, or does nothing if it exists already.
     *
     * <p>Services create their topics explicitly (the broker does not auto-create them), so tests and the local stack
     * call this before starting a service that only consumes a topic.
     *
     * @param configs topic-level configs such as {@code cleanup.policy}; may be empty
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs))));
    }

    /**
     * Creates topics with the given partition counts and replication factor 1; existing topics are left as they are.
     *
     * @param compacted whether the topics use {@code cleanup.policy=compact}, as for changelog and table topics
     */
    public void createTopics(Map<String, Integer> partitionsByTopic, boolean compacted) {
        Map<String, String> configs =
                compacted ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT) : Map.of();
        List<NewTopic> topics = new ArrayList<>();
        partitionsByTopic.forEach((name, count) -> topics.add(new NewTopic(name, count, (short) 1).configs(configs)));
        createTopics(topics);
    }

    /**
     * Creates topics as given; those that exist already are skipped (whatever their partition count), so callers may
     * run this on every start.
     */
    public void createTopics(Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(adminConfig("fleetstream-infra-topics"))) {
            CreateTopicsResult result = admin.createTopics(topics);
            for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
                String topic = entry.getKey();
                try {
                    entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.log(Level.INFO, "Created topic " + topic + " on " + bootstrapServers());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Could not create topic " + topic + " on " + bootstrapServers(), e.getCause());
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Timed out after " + ADMIN_TIMEOUT.toSeconds() + " s creating topics on " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    /** Stops the broker gracefully; the data directory stays for the caller to keep or delete. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
        ProcessSupport.removeShutdownHook(shutdownHook);
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    // ------------------------------------------------------------------------------------------------------------

    private void launch() {
        long started = System.nanoTime();
        ensurePortFree();
        int controllerPort = Ports.freeLoopbackPort();
        Path kraftDir = dataDir.resolve("kraft");
        Path outFile = dataDir.resolve("broker.out");
        try {
            Files.createDirectories(kraftDir);
            Files.createDirectories(logFile().getParent());
            Files.writeString(dataDir.resolve("server.properties"), serverProperties(kraftDir, controllerPort));
            Files.writeString(dataDir.resolve("log4j2.xml"), log4jConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare Kafka data directory " + dataDir, e);
        }
        logOffset = ProcessSupport.size(logFile());
        outOffset = ProcessSupport.size(outFile);
        if (!Files.exists(kraftDir.resolve("meta.properties"))) {
            formatStorage(outFile);
        }
        String clusterId = clusterId(kraftDir);

        List<String> command = javaCommand();
        command.add("kafka.Kafka");
        command.add(dataDir.resolve("server.properties").toString());
        try {
            process = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker JVM: " + command.get(0), e);
        }
        guard = OrphanGuard.watch(process.pid(), "TERM", Duration.ofSeconds(20));
        awaitReady(started, clusterId);
        LOG.log(
                Level.INFO,
                "Kafka broker ready at " + bootstrapServers() + " (pid " + process.pid() + ") after "
                        + ProcessSupport.elapsedMillis(started) + " ms; log: " + logFile());
    }

    /**
     * Formats the log directory once. The quorum is static ({@code controller.quorum.voters}) rather than the dynamic
     * quorum that {@code --standalone} sets up. {@code --standalone} writes the controller's endpoint into the log at
     * format time, whereas a static voter set is read from server.properties on every start, so each start can pick
     * whatever controller port is free at the time.
     */
    private void formatStorage(Path outFile) {
        List<String> command = javaCommand();
        command.addAll(List.of(
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                dataDir.resolve("server.properties").toString()));
        try {
            Process format = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
                    .start();
            if (!format.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("Kafka storage format did not finish within "
                        + FORMAT_TIMEOUT.toSeconds() + " s" + System.lineSeparator()
                        + ProcessSupport.tail(outFile, outOffset, 30));
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("Kafka storage format failed with exit code " + format.exitValue()
                        + System.lineSeparator() + ProcessSupport.tail(outFile, outOffset, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the Kafka storage format tool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
    }

    /**
     * Fails fast when something already listens on the client port. A broker that cannot bind its port would
     * otherwise only be noticed once it exits, and until then the readiness check could be answered by whatever holds
     * the port, which on a shared machine may well be someone else's broker.
     */
    private void ensurePortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(Ports.LOOPBACK_HOST, port));
        } catch (IOException e) {
            throw new PortTakenException(
                    "Port " + Ports.LOOPBACK_HOST + ":" + port + " is in use by another process", "");
        }
    }

    private static String clusterId(Path kraftDir) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(kraftDir.resolve("meta.properties"))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the Kafka cluster id from " + kraftDir, e);
        }
        return meta.getProperty("cluster.id");
    }

    /**
     * Waits until the broker accepts TCP connections and then until it answers describeCluster with its own cluster
     * id. The TCP probe comes first so that the admin client does not log a connection warning for every early
     * attempt; the cluster id check makes sure the answer comes from this broker and not from another process that
     * grabbed the port.
     */
    private void awaitReady(long started, String clusterId) {
        long deadline = started + READY_TIMEOUT.toNanos();
        Admin admin = null;
        Exception lastError = null;
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw notReady("exited with code " + process.exitValue(), null);
                }
                try {
                    if (admin == null) {
                        probeTcp();
                        admin = Admin.create(adminConfig("fleetstream-infra-readiness"));
                    }
                    DescribeClusterResult cluster = admin.describeCluster();
                    String answeredId = cluster.clusterId().get(2, TimeUnit.SECONDS);
                    if (!clusterId.equals(answeredId)) {
                        throw notReady(
                                "is not the process answering on its port (cluster id " + answeredId + ", expected "
                                        + clusterId + ")",
                                null);
                    }
                    if (!cluster.nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (IOException | ExecutionException | TimeoutException e) {
                    lastError = e;
                }
                Thread.sleep(100);
            }
            throw notReady("was not ready after " + READY_TIMEOUT.toSeconds() + " s and was killed", lastError);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        }
    }

    private void probeTcp() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Ports.LOOPBACK_HOST, port), 500);
        }
    }

    /** Kills the broker that failed to come up and describes why, with the end of its logs. */
    private RuntimeException notReady(String what, Exception cause) {
        OrphanGuard.stop(guard);
        process.destroyForcibly();
        awaitProcessExit(Duration.ofSeconds(10));
        String message = "Kafka broker at " + bootstrapServers() + " (pid " + process.pid() + ") " + what
                + System.lineSeparator() + ProcessSupport.tail(logFile(), logOffset, 40)
                + System.lineSeparator() + ProcessSupport.tail(dataDir.resolve("broker.out"), outOffset, 20);
        if (ProcessSupport.contains(logFile(), logOffset, "Address already in use")
                || ProcessSupport.contains(dataDir.resolve("broker.out"), outOffset, "Address already in use")) {
            return new PortTakenException(
                    "Port " + port + " or the controller port was taken before the Kafka broker could bind it",
                    message);
        }
        return new IllegalStateException(message, cause);
    }

    private boolean awaitProcessExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not stop Kafka broker at " + bootstrapServers() + " on JVM exit", e);
        }
    }

    private List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(
                // A test broker holds little data; a small heap and the serial collector leave the two cores of a
                // developer machine to the services under test. Compiling with C1 only brings the broker up in about
                // 60% of the time on a busy machine, and its peak throughput is still far above what tests and the
                // local demo produce.
                "-Xms64m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                // Otherwise the JVM opens dual-stack sockets and the listeners show up as ::ffff:127.0.0.1.
                "-Djava.net.preferIPv4Stack=true",
                "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.xml"),
                "-Dkafka.logs.dir=" + logFile().getParent(),
                "-cp",
                classpath));
        return command;
    }

    private Map<String, Object> adminConfig(String clientId) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-" + port);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return config;
    }

    private String serverProperties(Path kraftDir, int controllerPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + Ports.LOOPBACK_HOST + ":" + controllerPort);
        config.put(
                "listeners",
                "PLAINTEXT://" + Ports.LOOPBACK_HOST + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK_HOST + ":"
                        + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK_HOST + ":" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", kraftDir.toString());
        config.put("num.partitions", Integer.toString(partitions));
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the defaults (50) make the first consumer group and the first
        // transaction much quicker to set up, at no cost for a single-node broker.
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.num.partitions", "10");
        config.put("group.initial.rebalance.delay.ms", "0");
        // After a SIGKILL the restarted controller refuses the broker's new registration until the old session has
        // timed out (DUPLICATE_BROKER_REGISTRATION); the default 9 s session would make every kill-and-restart in a
        // fault test wait that long. Broker and controller share one JVM, so a short session risks little.
        config.put("broker.session.timeout.ms", "3000");
        config.put("broker.heartbeat.interval.ms", "500");
        // Services create their topics explicitly; a typo in a topic name must fail, not create a new topic.
        config.put("auto.create.topics.enable", "false");

        StringBuilder text = new StringBuilder("# Written by ")
                .append(KafkaBroker.class.getName())
                .append(" on every start; edits are overwritten.")
                .append(System.lineSeparator());
        config.forEach(
                (key, value) -> text.append(key).append('=').append(value).append(System.lineSeparator()));
        return text.toString();
    }

    private String log4jConfig() {
        String file =
                logFile().toString().replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by %s on every start. -->
                <Configuration status="warn">
                  <Appenders>
                    <File name="file" fileName="%s" append="true">
                      <PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <Logger name="kafka.request.logger" level="WARN"/>
                    <Root level="INFO">
                      <AppenderRef ref="file"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """.formatted(KafkaBroker.class.getName(), file);
    }

    /**
     * Reads the broker classpath written at build time, or the override from {@value #CLASSPATH_PROPERTY}, and checks
     * that every jar is still there: a classpath that points at a cleaned local repository would otherwise surface as
     * a puzzling {@code ClassNotFoundException} in the broker log.
     */
    static String brokerClasspath() {
        String override = System.getProperty(CLASSPATH_PROPERTY);
        String classpath;
        if (override != null && !override.isBlank()) {
            classpath = override.strip();
        } else {
            try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("Resource " + CLASSPATH_RESOURCE + " is missing next to "
                            + KafkaBroker.class.getName() + "; it is written by the fleetstream-infra build"
                            + " (maven-dependency-plugin build-classpath)");
                }
                classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + CLASSPATH_RESOURCE, e);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
                missing.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The Kafka broker classpath names files that do not exist (rebuild"
                    + " fleetstream-infra, or set -D" + CLASSPATH_PROPERTY + "): " + missing);
        }
        return classpath;
    }
}
