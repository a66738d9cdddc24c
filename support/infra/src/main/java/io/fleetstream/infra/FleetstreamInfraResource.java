package io.fleetstream.infra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Points a {@code @QuarkusTest} at the JVM's shared Kafka broker and PostgreSQL (see {@link SharedInfra}).
 *
 * <p>Use it as {@code @QuarkusTestResource(value = FleetstreamInfraResource.class, initArgs = ...)} or
 * {@code @WithTestResource}. Init args, all optional:
 *
 * <ul>
 *   <li>{@value #DATABASE}: the database for {@code quarkus.datasource.jdbc.url}, created if missing (default
 *       {@value #DEFAULT_DATABASE});
 *   <li>{@value #TOPICS}: topics to create before the application starts, as a comma separated list of
 *       {@code name:partitions} or {@code name:partitions:compact}; existing topics are left alone;
 *   <li>{@value #SERVERS}: which servers the application uses, {@code kafka}, {@code postgres} or both (the default),
 *       so that a service without a datasource neither waits for PostgreSQL nor gets datasource settings it does not
 *       know.
 * </ul>
 *
 * <p>Dev services are switched off (there is no container engine, and the servers are here already), the HTTP server
 * binds 127.0.0.1 only, and the test HTTP port is chosen by the OS: several engineers and CI share one machine, and a
 * fixed test port would make their runs collide.
 *
 * <p>The servers outlive each test class on purpose; {@link #stop()} leaves them running and the JVM's exit ends them.
 */
public class FleetstreamInfraResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "database";
    public static final String TOPICS = "topics";
    public static final String SERVERS = "servers";
    public static final String DEFAULT_DATABASE = "fleetstream";

    private String database = DEFAULT_DATABASE;
    private List<NewTopic> topics = List.of();
    private boolean useKafka = true;
    private boolean usePostgres = true;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault(DATABASE, DEFAULT_DATABASE).strip();
        topics = parseTopics(initArgs.getOrDefault(TOPICS, ""));
        if (initArgs.containsKey(SERVERS)) {
            Set<String> servers = new LinkedHashSet<>();
            for (String server : initArgs.get(SERVERS).split(",")) {
                if (!server.isBlank()) {
                    servers.add(server.strip().toLowerCase(Locale.ROOT));
                }
            }
            if (servers.isEmpty() || !Set.of("kafka", "postgres").containsAll(servers)) {
                throw new IllegalArgumentException(
                        "Init arg '" + SERVERS + "' takes kafka and/or postgres, got '" + initArgs.get(SERVERS) + "'");
            }
            useKafka = servers.contains("kafka");
            usePostgres = servers.contains("postgres");
        }
        if (!useKafka && !topics.isEmpty()) {
            throw new IllegalArgumentException("Init arg '" + TOPICS + "' needs kafka in '" + SERVERS + "'");
        }
    }

    @Override
    public Map<String, String> start() {
        // PostgreSQL comes up while the broker JVM starts; together they take little longer than the broker alone.
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        CompletableFuture<PostgresServer> postgres = new CompletableFuture<>();
        if (usePostgres) {
            Thread starter = new Thread(
                    () -> {
                        try {
                            PostgresServer server = SharedInfra.runningPostgres();
                            server.createDatabase(database);
                            postgres.complete(server);
                        } catch (RuntimeException | Error e) {
                            postgres.completeExceptionally(e);
                        }
                    },
                    "fleetstream-infra-postgres-start");
            starter.setContextClassLoader(loader);
            starter.setDaemon(true);
            starter.start();
        }

        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.http.host", Ports.LOOPBACK_HOST);
        config.put("quarkus.http.test-port", "0");
        if (useKafka) {
            KafkaBroker kafka = SharedInfra.runningKafka();
            kafka.createTopics(topics);
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            config.put("quarkus.kafka-streams.bootstrap-servers", kafka.bootstrapServers());
        }
        if (usePostgres) {
            PostgresServer server;
            try {
                server = postgres.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
            }
            config.put("quarkus.datasource.jdbc.url", server.jdbcUrl(database));
            config.put("quarkus.datasource.username", server.username());
            config.put("quarkus.datasource.password", server.password());
        }
        return config;
    }

    /** Leaves the shared servers running for the next test class; the JVM's exit stops them. */
    @Override
    public void stop() {}

    static List<NewTopic> parseTopics(String spec) {
        List<NewTopic> result = new ArrayList<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.strip().split(":");
            boolean wellFormed = parts.length == 2 || (parts.length == 3 && "compact".equals(parts[2]));
            int partitions;
            try {
                partitions = wellFormed ? Integer.parseInt(parts[1]) : 0;
            } catch (NumberFormatException e) {
                partitions = 0;
            }
            if (partitions < 1 || parts[0].isBlank()) {
                throw new IllegalArgumentException(
                        "Init arg '" + TOPICS + "' expects name:partitions[:compact], got '" + entry.strip() + "'");
            }
            NewTopic topic = new NewTopic(parts[0], partitions, (short) 1);
            if (parts.length == 3) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            result.add(topic);
        }
        return List.copyOf(result);
    }
}
