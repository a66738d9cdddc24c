package io.fleetstream.infra;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Kafka broker and one PostgreSQL per JVM, started on first use and stopped when the JVM exits.
 *
 * <p>Starting a broker takes seconds, so all tests of a module (one surefire JVM) share these servers; tests keep out
 * of each other's way with their own topic and database names. A test that kills or stops a shared server should
 * restart it before it ends; if it does not, {@link FleetstreamInfraResource} restarts it over the same data before
 * the next test class.
 *
 * <p>The servers live under a directory of their own: the system property {@value #DIR_PROPERTY} (or the environment
 * variable {@code FLEETSTREAM_INFRA_DIR}) if set, which is then left as it is on exit; otherwise
 * {@code target/infra-<pid>} when the working directory has a {@code target} directory (as under surefire), else
 * {@code <java.io.tmpdir>/fleetstream-infra-<pid>}. On exit the data in a directory of the second kind is deleted
 * ({@code kafka/kraft}, {@code postgres/pgdata}) and the server logs are kept, so that a failed test run can still be
 * diagnosed.
 */
public final class SharedInfra {

    /** System property naming the directory for the shared servers' data and logs. */
    public static final String DIR_PROPERTY = "fleetstream.infra.dir";

    private static final System.Logger LOG = System.getLogger(SharedInfra.class.getName());

    private static final Object KAFKA_LOCK = new Object();
    private static final Object POSTGRES_LOCK = new Object();
    private static final Object BASE_LOCK = new Object();

    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static Path baseDir;
    private static boolean discardData;

    private SharedInfra() {}

    /**
     * The JVM's Kafka broker, started on first use. A broker that a test killed or stopped is returned as it is, so
     * that a fault test stays in control of the outage it caused; {@link FleetstreamInfraResource} starts it again
     * for the next test class.
     */
    public static KafkaBroker kafka() {
        synchronized (KAFKA_LOCK) {
            if (kafka == null) {
                kafka = KafkaBroker.start(baseDir().resolve("kafka"), false);
            }
            return kafka;
        }
    }

    /** The JVM's PostgreSQL server, started on first use; like {@link #kafka()}, returned as it is once started. */
    public static PostgresServer postgres() {
        synchronized (POSTGRES_LOCK) {
            if (postgres == null) {
                postgres = PostgresServer.start(baseDir().resolve("postgres"), false);
            }
            return postgres;
        }
    }

    /** The broker, started again first if an earlier test left it killed or stopped. */
    static KafkaBroker runningKafka() {
        synchronized (KAFKA_LOCK) {
            KafkaBroker broker = kafka();
            if (!broker.isRunning()) {
                LOG.log(Level.INFO, "An earlier test left the shared Kafka broker down; starting it again");
                broker.restart();
            }
            return broker;
        }
    }

    /** PostgreSQL, started again first if an earlier test left it killed or stopped. */
    static PostgresServer runningPostgres() {
        synchronized (POSTGRES_LOCK) {
            PostgresServer server = postgres();
            if (!server.isRunning()) {
                LOG.log(Level.INFO, "An earlier test left the shared PostgreSQL down; starting it again");
                server.restart();
            }
            return server;
        }
    }

    /** The directory holding the shared servers' data and logs; see the class description. */
    public static Path baseDir() {
        synchronized (BASE_LOCK) {
            if (baseDir == null) {
                baseDir = chooseBaseDir();
                ProcessSupport.addShutdownHook("fleetstream-shared-infra-shutdown", SharedInfra::shutdown);
            }
            return baseDir;
        }
    }

    private static Path chooseBaseDir() {
        String configured = System.getProperty(DIR_PROPERTY, System.getenv("FLEETSTREAM_INFRA_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        discardData = true;
        String name = "infra-" + ProcessHandle.current().pid();
        Path target = Path.of("target").toAbsolutePath();
        if (Files.isDirectory(target)) {
            return target.resolve(name);
        }
        return Path.of(System.getProperty("java.io.tmpdir")).resolve("fleetstream-" + name);
    }

    /**
     * Ends the servers on JVM exit. When the data is about to be deleted anyway, the broker is killed rather than
     * stopped: its graceful shutdown takes seconds that every test JVM would otherwise spend on exit.
     */
    private static void shutdown() {
        Thread postgresStop = new Thread(
                () -> {
                    synchronized (POSTGRES_LOCK) {
                        if (postgres != null) {
                            postgres.close();
                        }
                    }
                },
                "fleetstream-shared-postgres-stop");
        postgresStop.start();
        synchronized (KAFKA_LOCK) {
            if (kafka != null) {
                if (discardData) {
                    kafka.kill();
                }
                kafka.close();
            }
        }
        try {
            postgresStop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (discardData) {
            deleteData(baseDir);
        }
    }

    /** Deletes the servers' data directories; their configuration and logs are small and kept. */
    private static void deleteData(Path root) {
        try {
            ProcessSupport.deleteTree(root.resolve("kafka").resolve("kraft"));
            ProcessSupport.deleteTree(root.resolve("postgres").resolve("pgdata"));
            LOG.log(Level.DEBUG, "Deleted the shared servers' data under " + root + "; kept their logs");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not delete the shared servers' data under " + root, e);
        }
    }
}
