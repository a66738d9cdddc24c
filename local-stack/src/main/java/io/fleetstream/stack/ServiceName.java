package io.fleetstream.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The five Fleetstream services, with what the local stack needs to know to run each one: its module directory, its
 * default port, its heap and which infrastructure it talks to. Every service is given the Kafka bootstrap servers.
 */
public enum ServiceName {
    DEVICE_REGISTRY("device-registry", 8081, "384m", true, false),
    TELEMETRY_SINK("telemetry-sink", 8083, "384m", true, false),
    STREAM_PROCESSOR("stream-processor", 8082, "512m", false, true),
    INGEST_GATEWAY("ingest-gateway", 8080, "384m", false, false),
    QUERY_API("query-api", 8084, "384m", true, false);

    /**
     * The order in which the stack starts the services: each one finds what it reads already running. The registry
     * comes first (it publishes devices, credentials and rules), the sink before the processor so that nothing the
     * processor writes waits for a reader, the gateway once the pipeline behind it is up, and the read side last.
     * The stack stops them in the reverse order.
     */
    public static final List<ServiceName> START_ORDER =
            List.of(DEVICE_REGISTRY, TELEMETRY_SINK, STREAM_PROCESSOR, INGEST_GATEWAY, QUERY_API);

    private final String moduleName;
    private final int defaultPort;
    private final String defaultHeap;
    private final boolean usesDatabase;
    private final boolean usesKafkaStreams;

    ServiceName(
            String moduleName, int defaultPort, String defaultHeap, boolean usesDatabase, boolean usesKafkaStreams) {
        this.moduleName = moduleName;
        this.defaultPort = defaultPort;
        this.defaultHeap = defaultHeap;
        this.usesDatabase = usesDatabase;
        this.usesKafkaStreams = usesKafkaStreams;
    }

    /** The module directory name under {@code services/}, also used for log files and state directories. */
    public String moduleName() {
        return moduleName;
    }

    /** The HTTP port from docs/architecture.md. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The default maximum heap, as a {@code -Xmx} value. */
    public String defaultHeap() {
        return defaultHeap;
    }

    /** Whether the service has a datasource; the others are not given datasource settings they would warn about. */
    public boolean usesDatabase() {
        return usesDatabase;
    }

    /** Whether the service runs Kafka Streams and so needs a state directory and the Streams bootstrap servers. */
    public boolean usesKafkaStreams() {
        return usesKafkaStreams;
    }

    /** The packaged Quarkus application (fast-jar layout) of this service in a checkout. */
    public Path runnerJar(Path repoRoot) {
        return repoRoot.resolve("services")
                .resolve(moduleName)
                .resolve("target")
                .resolve("quarkus-app")
                .resolve("quarkus-run.jar");
    }

    /** Looks a service up by its module name, for example {@code ingest-gateway}. */
    public static ServiceName fromModuleName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ServiceName service : values()) {
            if (service.moduleName.equals(wanted)) {
                return service;
            }
        }
        throw new IllegalArgumentException("unknown service '" + name + "', expected one of "
                + START_ORDER.stream().map(ServiceName::moduleName).toList());
    }
}
