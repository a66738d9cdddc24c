package io.fleetstream.registry.persistence;

import io.fleetstream.schema.DeviceState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A registered device (table {@code registry.devices}). */
@Entity
@Table(name = "devices")
public class DeviceEntity extends PanacheEntityBase {

    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String type;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, String> labels;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeviceState state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * One page of devices in device id order, starting after {@code afterDeviceId} (exclusive, null for the first
     * page), optionally only those of one type.
     */
    public static List<DeviceEntity> page(String type, String afterDeviceId, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (type != null) {
            query.append(" and type = :type");
            params.put("type", type);
        }
        if (afterDeviceId != null) {
            query.append(" and deviceId > :after");
            params.put("after", afterDeviceId);
        }
        query.append(" order by deviceId");
        return find(query.toString(), params).page(0, limit).list();
    }
}
