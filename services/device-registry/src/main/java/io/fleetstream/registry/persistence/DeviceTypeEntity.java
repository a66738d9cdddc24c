package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A device type that devices name (table {@code registry.device_types}). */
@Entity
@Table(name = "device_types")
public class DeviceTypeEntity extends PanacheEntityBase {

    @Id
    public String type;

    @Column(nullable = false)
    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** One page of types in type order, starting after {@code afterType} (exclusive, null for the first page). */
    public static List<DeviceTypeEntity> page(String afterType, int limit) {
        if (afterType == null) {
            return find("order by type").page(0, limit).list();
        }
        return find("type > ?1 order by type", afterType).page(0, limit).list();
    }
}
