package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Appends a change to the outbox inside the caller's transaction, so that the change and its Kafka record commit or
 * roll back together; the {@link io.fleetstream.registry.kafka.OutboxRelay} publishes it after the commit.
 */
@ApplicationScoped
public class OutboxWriter {

    private static final Logger LOG = Logger.getLogger(OutboxWriter.class);

    /**
     * Records one event. Must run inside the transaction that makes the change.
     *
     * @param payload Avro single-object encoded value, or null for a tombstone
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(String eventType, String topic, String key, byte[] payload, Instant at) {
        // Write the change itself first: a concurrent change of the same row then waits here for our commit before
        // its own outbox row is inserted, so per key the outbox id order is the commit order the relay relies on.
        Panache.getEntityManager().flush();
        OutboxEventEntity event = new OutboxEventEntity();
        event.eventType = eventType;
        event.topic = topic;
        event.recordKey = key;
        event.payload = payload;
        event.createdAt = at;
        event.persist();
        LOG.debugf("outbox event [%s] for key [%s] on topic %s queued", eventType, key, topic);
    }

    /** One record to publish. */
    public record Event(String eventType, String topic, String key, byte[] payload) {}

    /**
     * Records many events with one flush and one JDBC batch, for changes that only insert new rows (a bulk
     * registration): the flush before each event that {@link #append} does is only needed when rows that others may
     * change are updated, and one round trip per row made a 1000-device registration take seconds.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendAll(List<Event> events, Instant at) {
        Session session = Panache.getEntityManager().unwrap(Session.class);
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                Timestamp createdAt = Timestamp.from(at);
                for (Event event : events) {
                    insert.setString(1, event.topic());
                    insert.setString(2, event.key());
                    insert.setBytes(3, event.payload());
                    insert.setString(4, event.eventType());
                    insert.setTimestamp(5, createdAt);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        LOG.debugf("%d outbox events queued", events.size());
    }

    private static final String INSERT = "INSERT INTO registry.outbox_events (topic, record_key, payload, event_type,"
            + " created_at) VALUES (?, ?, ?, ?, ?)";
}
