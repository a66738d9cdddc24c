package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One change waiting to be published to Kafka (table {@code registry.outbox_events}). */
@Entity
@Table(name = "outbox_events")
public class OutboxEventEntity extends PanacheEntityBase {

    /**
     * Database identity, assigned by the INSERT itself (not taken from a sequence ahead of time), so that a change
     * that waited for a row lock gets a higher id than the change it waited for; the relay publishes in id order.
     */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    /** Avro single-object encoded value; null is a tombstone. */
    @Column(columnDefinition = "bytea")
    public byte[] payload;

    /** What happened, for logs and operators, such as {@code DeviceCreated}. */
    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
