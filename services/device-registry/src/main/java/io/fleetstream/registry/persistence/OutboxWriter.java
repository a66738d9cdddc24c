package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

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
     * Records many events with one flush, for changes that only insert new rows (a bulk registration): the flush
     * before each event that {@link #append} does is only needed when rows that others may change are updated.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendAll(List<Event> events, Instant at) {
        Panache.getEntityManager().flush();
        for (Event event : events) {
            OutboxEventEntity row = new OutboxEventEntity();
            row.eventType = event.eventType();
            row.topic = event.topic();
            row.recordKey = event.key();
            row.payload = event.payload();
            row.createdAt = at;
            row.persist();
        }
        LOG.debugf("%d outbox events queued", events.size());
    }
}
