package io.fleetstream.registry.kafka;

import io.agroal.api.AgroalDataSource;
import io.fleetstream.registry.config.KafkaSettings;
import io.fleetstream.registry.config.OutboxSettings;
import io.fleetstream.schema.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes committed outbox rows to Kafka, in id order, and deletes them once Kafka has acknowledged them.
 *
 * <p>One background thread per replica. Each batch runs in one database transaction that first takes a PostgreSQL
 * advisory transaction lock ({@link #ADVISORY_LOCK_KEY}), so only one replica publishes at a time and records of one
 * key reach Kafka in the order they were committed. A batch that Kafka does not acknowledge is rolled back and sent
 * again after a backoff, so delivery is at least once: a record may appear twice, never out of order for its key and
 * never not at all. The changelog topics are compacted and carry whole records, so a repeat is harmless.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Advisory lock that elects the publishing replica; the ASCII bytes of "fleetreg". */
    public static final long ADVISORY_LOCK_KEY = 0x666c656574726567L;

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private static final String SELECT_BATCH =
            "SELECT id, topic, record_key, payload FROM registry.outbox_events ORDER BY id LIMIT ?";
    private static final String DELETE_BATCH = "DELETE FROM registry.outbox_events WHERE id = ANY (?)";
    private static final String COUNT_PENDING = "SELECT count(*) FROM registry.outbox_events";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Whether this replica published in its last attempt, or another replica holds the lock. */
    public enum Role {
        STARTING,
        LEADER,
        STANDBY
    }

    private final AgroalDataSource dataSource;
    private final OutboxSettings settings;
    private final KafkaSettings kafkaSettings;
    private final String bootstrapServers;
    private final MeterRegistry meters;
    private final Clock clock;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private volatile Thread thread;
    private volatile boolean running;
    private volatile Role role = Role.STARTING;
    private volatile Instant lastKafkaContact;
    private volatile Instant kafkaFailingSince;
    private volatile Instant databaseFailingSince;
    private volatile String topicProblem;
    private volatile boolean topicsReady;

    public OutboxRelay(
            AgroalDataSource dataSource,
            OutboxSettings settings,
            KafkaSettings kafkaSettings,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            MeterRegistry meters,
            Clock clock) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.kafkaSettings = kafkaSettings;
        this.bootstrapServers = bootstrapServers;
        this.meters = meters;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder(RelayMetrics.PENDING, this, OutboxRelay::pendingOrNaN)
                .description("Registry changes committed but not yet acknowledged by Kafka")
                .register(meters);
        topicsReady = !kafkaSettings.createTopics();
        running = true;
        Thread relay = new Thread(this::run, "outbox-relay");
        // Daemon: if a batch hangs past the shutdown timeout, the JVM may still exit; its rows stay in the outbox.
        relay.setDaemon(true);
        thread = relay;
        relay.start();
        LOG.infof(
                "outbox relay started: polling every %d ms, batches of up to %d, Kafka at %s",
                settings.pollInterval().toMillis(), settings.batchSize(), bootstrapServers);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        stopSignal.countDown();
        Thread relay = thread;
        if (relay == null) {
            return;
        }
        try {
            relay.join(settings.sendTimeout().plus(CLOSE_TIMEOUT).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (relay.isAlive()) {
            LOG.warn("outbox relay did not stop in time; unpublished changes stay in the outbox for the next start");
        } else {
            LOG.info("outbox relay stopped");
        }
    }

    /** Whether the relay thread is running. */
    public boolean isRunning() {
        Thread relay = thread;
        return running && relay != null && relay.isAlive();
    }

    public Role role() {
        return role;
    }

    /** When the relay last got an answer from Kafka; null if never. */
    public Instant lastKafkaContact() {
        return lastKafkaContact;
    }

    /** Why the topics are not usable yet, or null when they are. */
    public String topicProblem() {
        return topicsReady ? null : topicProblem == null ? "not yet checked" : topicProblem;
    }

    /** Rows waiting in the outbox. */
    public long pending() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement count = connection.prepareStatement(COUNT_PENDING);
                ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private double pendingOrNaN() {
        try {
            return pending();
        } catch (SQLException e) {
            LOG.debugf("cannot count outbox rows: %s", e.getMessage());
            return Double.NaN;
        }
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        KafkaProducer<String, byte[]> producer = createProducer();
        Admin admin = createAdmin();
        try {
            while (running) {
                Duration pause;
                try {
                    if (!topicsReady) {
                        provisionTopics();
                    }
                    int published = publishBatch(producer);
                    if (published == 0 && contactIsOlderThan(settings.probeInterval())) {
                        probe(admin);
                    }
                    databaseRecovered();
                    backoff = settings.initialBackoff();
                    pause = published >= settings.batchSize() ? Duration.ZERO : settings.pollInterval();
                } catch (KafkaUnavailableException e) {
                    kafkaFailed(e);
                    pause = backoff;
                    backoff = next(backoff);
                } catch (SQLException e) {
                    databaseFailed(e);
                    pause = backoff;
                    backoff = next(backoff);
                } catch (RuntimeException e) {
                    meters.counter(RelayMetrics.FAILURES, "cause", "other").increment();
                    LOG.error("outbox relay attempt failed unexpectedly; retrying", e);
                    pause = backoff;
                    backoff = next(backoff);
                }
                pause(pause);
            }
        } finally {
            producer.close(CLOSE_TIMEOUT);
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Publishes the oldest rows under the advisory lock.
     *
     * @return rows published; 0 when the outbox is empty or another replica holds the lock
     */
    private int publishBatch(KafkaProducer<String, byte[]> producer) throws SQLException, KafkaUnavailableException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int published = publishLocked(connection, producer);
                connection.commit();
                return published;
            } catch (SQLException | KafkaUnavailableException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private int publishLocked(Connection connection, KafkaProducer<String, byte[]> producer)
            throws SQLException, KafkaUnavailableException {
        if (!tryLock(connection)) {
            if (role != Role.STANDBY) {
                LOG.info("outbox relay is on standby: another replica holds the publishing lock");
            }
            role = Role.STANDBY;
            return 0;
        }
        if (role != Role.LEADER) {
            LOG.info("outbox relay took the publishing lock and publishes registry changes");
        }
        role = Role.LEADER;
        List<OutboxRow> rows = readBatch(connection);
        if (rows.isEmpty()) {
            return 0;
        }
        send(producer, rows);
        deleteBatch(connection, rows);
        Instant now = clock.instant();
        kafkaContact(now);
        for (OutboxRow row : rows) {
            meters.counter(RelayMetrics.PUBLISHED, "topic", row.topic()).increment();
            LOG.debugf("published outbox event [%d] key [%s] to %s", row.id(), row.key(), row.topic());
        }
        return rows.size();
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, ADVISORY_LOCK_KEY);
            try (ResultSet result = lock.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    private List<OutboxRow> readBatch(Connection connection) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_BATCH)) {
            select.setInt(1, settings.batchSize());
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new OutboxRow(
                            result.getLong("id"),
                            result.getString("topic"),
                            result.getString("record_key"),
                            result.getBytes("payload")));
                }
            }
        }
        return rows;
    }

    private static void deleteBatch(Connection connection, List<OutboxRow> rows) throws SQLException {
        Array ids = connection.createArrayOf(
                "bigint", rows.stream().map(OutboxRow::id).toArray(Long[]::new));
        try (PreparedStatement delete = connection.prepareStatement(DELETE_BATCH)) {
            delete.setArray(1, ids);
            delete.executeUpdate();
        } finally {
            ids.free();
        }
    }

    /** Sends every row and waits until Kafka has acknowledged all of them. */
    private void send(KafkaProducer<String, byte[]> producer, List<OutboxRow> rows) throws KafkaUnavailableException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        try {
            for (OutboxRow row : rows) {
                acks.add(producer.send(new ProducerRecord<>(row.topic(), row.key(), row.payload())));
            }
            producer.flush();
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("no acknowledgement within " + settings.sendTimeout(), e);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for acknowledgements", e);
        }
    }

    private void provisionTopics() throws KafkaUnavailableException {
        try {
            TopicProvisioner.ensure(bootstrapServers, RegistryTopics.specs(kafkaSettings.partitions()))
                    .forEach(name -> LOG.infof("created topic %s", name));
        } catch (IllegalStateException | KafkaException e) {
            topicProblem = e.getMessage();
            throw new KafkaUnavailableException(e);
        }
        topicsReady = true;
        topicProblem = null;
        kafkaContact(clock.instant());
        LOG.infof("registry topics are ready: %s", RegistryTopics.NAMES);
    }

    private void probe(Admin admin) throws KafkaUnavailableException {
        int timeoutMs = Math.toIntExact(settings.sendTimeout().toMillis());
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .clusterId()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            kafkaContact(clock.instant());
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("no answer within " + settings.sendTimeout(), e);
        } catch (KafkaException e) {
            throw new KafkaUnavailableException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while probing Kafka", e);
        }
    }

    private boolean contactIsOlderThan(Duration age) {
        Instant last = lastKafkaContact;
        return last == null || last.plus(age).isBefore(clock.instant());
    }

    private void kafkaContact(Instant now) {
        lastKafkaContact = now;
        Instant since = kafkaFailingSince;
        if (since != null) {
            kafkaFailingSince = null;
            LOG.infof(
                    "outbox relay reaches Kafka again after %d s; registry changes flow again",
                    Duration.between(since, now).toSeconds());
        }
    }

    private void kafkaFailed(KafkaUnavailableException e) {
        meters.counter(RelayMetrics.FAILURES, "cause", "kafka").increment();
        if (kafkaFailingSince == null) {
            kafkaFailingSince = clock.instant();
            LOG.warnf(
                    "outbox relay cannot publish to Kafka at %s (%s); registry changes are kept in the outbox and"
                            + " retried until Kafka is back",
                    bootstrapServers, e.getMessage());
        } else {
            LOG.debugf("outbox relay still cannot reach Kafka: %s", e.getMessage());
        }
    }

    private void databaseFailed(SQLException e) {
        meters.counter(RelayMetrics.FAILURES, "cause", "database").increment();
        if (databaseFailingSince == null) {
            databaseFailingSince = clock.instant();
            LOG.warnf(
                    "outbox relay cannot read the outbox (%s); registry changes are not published until the database"
                            + " is back",
                    e.getMessage());
        } else {
            LOG.debugf("outbox relay still cannot reach the database: %s", e.getMessage());
        }
    }

    private void databaseRecovered() {
        Instant since = databaseFailingSince;
        if (since != null) {
            databaseFailingSince = null;
            LOG.infof(
                    "outbox relay reaches the database again after %d s",
                    Duration.between(since, clock.instant()).toSeconds());
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
    }

    private void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debugf("rollback of an outbox batch failed (the connection is closed anyway): %s", e.getMessage());
        }
    }

    private KafkaProducer<String, byte[]> createProducer() {
        int timeoutMs = Math.toIntExact(settings.sendTimeout().toMillis());
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                "device-registry-outbox",
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                timeoutMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                timeoutMs,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                timeoutMs);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private Admin createAdmin() {
        int timeoutMs = Math.toIntExact(settings.sendTimeout().toMillis());
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "device-registry-outbox-probe",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    private record OutboxRow(long id, String topic, String key, byte[] payload) {}

    /** Kafka did not answer or refused a batch; the rows stay in the outbox. */
    static final class KafkaUnavailableException extends Exception {

        KafkaUnavailableException(Throwable cause) {
            this(cause.getMessage() == null ? "no answer from the broker" : cause.getMessage(), cause);
        }

        KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
