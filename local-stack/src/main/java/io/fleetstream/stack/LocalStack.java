package io.fleetstream.stack;

import io.fleetstream.infra.KafkaBroker;
import io.fleetstream.infra.Ports;
import io.fleetstream.infra.PostgresServer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole platform on loopback, without Docker: a PostgreSQL server and a Kafka broker (real processes, from
 * fleetstream-infra) and the five services, each in its own JVM.
 *
 * <p>Every start begins from empty: the Kafka, PostgreSQL and Kafka Streams data left in the work directory by an
 * earlier run is deleted first, so that what a run reports is what that run did. Logs go to {@code <work dir>/logs}.
 * Closing the stack stops the services in the reverse start order, then the broker and the database; a JVM shutdown
 * hook does the same on Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    /** The database every service uses; each owns its own schema in it. */
    public static final String DATABASE = "fleetstream";

    /** Default work directory, relative to the repository root (listed in .gitignore). */
    public static final String DEFAULT_WORK_DIR = ".fleetstream";

    /** Environment variable for the registry's {@code fleetstream.registry.bootstrap-admin-key}. */
    static final String BOOTSTRAP_ADMIN_KEY_VARIABLE = "FLEETSTREAM_REGISTRY_BOOTSTRAP_ADMIN_KEY";

    private static final List<String> DATA_DIRECTORIES = List.of("kafka", "postgres", "state", "services");

    private final Path repoRoot;
    private final Path workDir;
    private final PrintStream out;
    private final Map<ServiceName, ServiceProcess> services = new EnumMap<>(ServiceName.class);
    private final String adminKey = OperatorKeys.generate();
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private Thread shutdownHook;
    private volatile boolean closed;

    private LocalStack(Path repoRoot, Path workDir, PrintStream out) {
        this.repoRoot = repoRoot;
        this.workDir = workDir;
        this.out = out;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path repoRoot() {
        return repoRoot;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /**
     * The operator API key with the admin role that this stack bootstraps the registry with. It is new for every
     * stack, so it is only as secret as the machine the stack runs on.
     */
    public String adminKey() {
        return adminKey;
    }

    /** The JDBC URL of the {@value #DATABASE} database. */
    public String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    public ServiceProcess service(ServiceName name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalStateException(name.moduleName() + " is not part of this stack");
        }
        return service;
    }

    /** {@code http://127.0.0.1:<port>} of a service. */
    public URI baseUri(ServiceName name) {
        return service(name).baseUri();
    }

    /** Stops the services in reverse start order, then Kafka and PostgreSQL. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ServiceName> reverse = new ArrayList<>(ServiceName.START_ORDER);
        Collections.reverse(reverse);
        for (ServiceName name : reverse) {
            ServiceProcess service = services.get(name);
            if (service != null && service.isAlive()) {
                out.println("Stopping " + name.moduleName() + " (pid " + service.pid() + ")");
                try {
                    service.stop();
                } catch (RuntimeException e) {
                    out.println("Could not stop " + name.moduleName() + " cleanly: " + e.getMessage());
                }
            }
        }
        if (kafka != null) {
            out.println("Stopping Kafka");
            closeQuietly(kafka);
        }
        if (postgres != null) {
            out.println("Stopping PostgreSQL");
            closeQuietly(postgres);
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down and runs the hook anyway; close() is idempotent.
            }
        }
    }

    private void startAll(Builder builder) {
        shutdownHook = new Thread(this::close, "fleetstream-local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        long started = System.nanoTime();
        if (closed) {
            throw new IllegalStateException("The stack was stopped while it was starting");
        }
        out.println("Starting PostgreSQL (data in " + workDir.resolve("postgres") + ")");
        postgres = PostgresServer.start(workDir.resolve("postgres"));
        postgres.createDatabase(DATABASE);
        out.println("Starting Kafka (data in " + workDir.resolve("kafka") + ")");
        kafka = KafkaBroker.start(workDir.resolve("kafka"));
        out.println("PostgreSQL at " + jdbcUrl() + ", Kafka at " + kafka.bootstrapServers());

        for (ServiceName name : ServiceName.START_ORDER) {
            ServiceProcess service = new ServiceProcess(
                    name,
                    name.runnerJar(repoRoot),
                    builder.ports.get(name),
                    builder.heaps.getOrDefault(name, name.defaultHeap()),
                    configuration(name, builder),
                    secrets(name),
                    workDir.resolve("services").resolve(name.moduleName()),
                    logDir().resolve(name.moduleName() + ".log"),
                    builder.readyTimeout,
                    builder.stopTimeout);
            long serviceStarted = System.nanoTime();
            out.println(
                    "Starting " + name.moduleName() + " on " + service.baseUri() + " (log " + service.logFile() + ")");
            // Launching under the lock that close() takes means a Ctrl-C during startup either stops this service
            // or keeps it from being launched at all.
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("The stack was stopped while it was starting");
                }
                services.put(name, service);
                service.launch();
            }
            service.awaitReady();
            out.println("  " + name.moduleName() + " ready in " + secondsSince(serviceStarted) + " s (pid "
                    + service.pid() + ")");
        }
        out.println("Fleetstream is up after " + secondsSince(started) + " s");
    }

    private Map<String, String> configuration(ServiceName name, Builder builder) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", Ports.LOOPBACK_HOST);
        config.put("quarkus.http.port", Integer.toString(builder.ports.get(name)));
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        if (name.usesKafkaStreams()) {
            Path stateDir = workDir.resolve("state").resolve(name.moduleName());
            config.put("quarkus.kafka-streams.bootstrap-servers", kafka.bootstrapServers());
            config.put("kafka-streams.state.dir", stateDir.toString());
            config.put("fleetstream.streams.state-dir", stateDir.toString());
        }
        if (name.usesDatabase()) {
            config.put("quarkus.datasource.jdbc.url", jdbcUrl());
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
        }
        config.putAll(builder.overrides.getOrDefault(name, Map.of()));
        return config;
    }

    /** Secret configuration, passed in the environment (Quarkus maps {@code A_B_C} to {@code a.b.c}). */
    private Map<String, String> secrets(ServiceName name) {
        if (name == ServiceName.DEVICE_REGISTRY) {
            return Map.of(BOOTSTRAP_ADMIN_KEY_VARIABLE, adminKey);
        }
        return Map.of();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("Could not stop " + closeable + ": " + e.getMessage());
        }
    }

    private static long secondsSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    }

    /** Options of a stack; {@link #start()} starts it. */
    public static final class Builder {

        private Path repoRoot;
        private Path workDir;
        private boolean freePorts;
        private final Map<ServiceName, Integer> ports = new EnumMap<>(ServiceName.class);
        private final Map<ServiceName, String> heaps = new EnumMap<>(ServiceName.class);
        private final Map<ServiceName, Map<String, String>> overrides = new EnumMap<>(ServiceName.class);
        private Duration readyTimeout = Duration.ofSeconds(180);
        private Duration stopTimeout = Duration.ofSeconds(20);
        private PrintStream out = System.out;

        private Builder() {}

        /** The checkout holding the service jars; found with {@link RepoRoot#locate()} when not set. */
        public Builder repoRoot(Path repoRoot) {
            this.repoRoot = repoRoot;
            return this;
        }

        /** Where data, state and logs go; {@value #DEFAULT_WORK_DIR} under the repository root when not set. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /**
         * Gives every service a free loopback port instead of its default (8080 to 8084), as tests do so that they
         * can run next to a demo or to each other.
         */
        public Builder freePorts(boolean freePorts) {
            this.freePorts = freePorts;
            return this;
        }

        /** A fixed port for one service. */
        public Builder port(ServiceName service, int port) {
            ports.put(service, port);
            return this;
        }

        /** The maximum heap of one service, as a {@code -Xmx} value such as {@code 512m}. */
        public Builder heap(ServiceName service, String heap) {
            heaps.put(service, heap);
            return this;
        }

        /** A configuration property for one service, passed as {@code -Dkey=value}; wins over the stack's own. */
        public Builder override(ServiceName service, String key, String value) {
            overrides.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Several overrides at once, per service. */
        public Builder overrides(Map<ServiceName, Map<String, String>> perService) {
            perService.forEach((service, properties) -> properties.forEach((k, v) -> override(service, k, v)));
            return this;
        }

        /** How long one service may take to answer 200 on {@code /q/health/ready}; default 180 s. */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** How long a service may take to stop after SIGTERM before it is killed; default 20 s. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = stopTimeout;
            return this;
        }

        /** Where progress lines go; standard output by default. */
        public Builder output(PrintStream out) {
            this.out = out;
            return this;
        }

        /**
         * Starts PostgreSQL, Kafka and the services in {@link ServiceName#START_ORDER}, each waited for until ready.
         *
         * @throws IllegalStateException if a service jar is missing, a port is taken or a service does not become
         *     ready; whatever had started is stopped again before the exception leaves
         */
        public LocalStack start() {
            Path root = repoRoot != null ? repoRoot.toAbsolutePath().normalize() : RepoRoot.locate();
            Path dir = (workDir != null ? workDir : root.resolve(DEFAULT_WORK_DIR))
                    .toAbsolutePath()
                    .normalize();
            checkJars(root);
            List<Integer> free = freePorts ? Ports.freeLoopbackPorts(ServiceName.START_ORDER.size()) : List.of();
            for (int i = 0; i < ServiceName.START_ORDER.size(); i++) {
                ServiceName name = ServiceName.START_ORDER.get(i);
                if (!ports.containsKey(name)) {
                    ports.put(name, freePorts ? free.get(i) : name.defaultPort());
                }
            }
            checkPortsFree();
            prepareWorkDir(dir);
            LocalStack stack = new LocalStack(root, dir, out);
            try {
                stack.startAll(this);
                return stack;
            } catch (RuntimeException | Error e) {
                stack.close();
                throw e;
            }
        }

        private static void checkJars(Path root) {
            List<String> missing = new ArrayList<>();
            for (ServiceName name : ServiceName.START_ORDER) {
                if (!Files.isRegularFile(name.runnerJar(root))) {
                    missing.add(root.relativize(name.runnerJar(root)).toString());
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Service jars missing: " + String.join(", ", missing)
                        + ". Build them first: cd " + root + " && ./mvnw -DskipTests install");
            }
        }

        private void checkPortsFree() {
            List<String> taken = new ArrayList<>();
            ports.forEach((name, port) -> {
                try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    taken.add(port + " (" + name.moduleName() + ")");
                }
            });
            if (!taken.isEmpty()) {
                throw new IllegalStateException("Ports already in use on 127.0.0.1: " + String.join(", ", taken)
                        + ". Stop whatever listens there (an earlier stack?) or use free ports (demo: --free-ports).");
            }
        }

        /**
         * Deletes the data an earlier run left behind. Only the stack's own subdirectories are touched, never the
         * work directory as a whole, so a mistyped {@code --work-dir} cannot remove anything else.
         */
        private static void prepareWorkDir(Path dir) {
            try {
                Files.createDirectories(dir.resolve("logs"));
                for (String name : DATA_DIRECTORIES) {
                    deleteTree(dir.resolve(name));
                }
                try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
                    for (Path log :
                            logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                        Files.delete(log);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the work directory " + dir, e);
            }
        }

        private static void deleteTree(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
