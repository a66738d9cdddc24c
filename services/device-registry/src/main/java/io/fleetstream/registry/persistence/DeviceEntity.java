package io.fleetstream.registry.persistence;

import io.fleetstream.schema.DeviceState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Query;
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
     * Filters of the device list; null fields do not filter.
     *
     * @param labelsJson JSON object of labels that must all be present with equal values
     */
    public record Filter(String type, DeviceState state, String labelsJson) {}

    /**
     * One page of devices in device id order, starting after {@code afterDeviceId} (exclusive, null for the first
     * page). Native SQL because the label filter is JSONB containment ({@code @>}), served by a GIN index.
     */
    @SuppressWarnings("unchecked")
    public static List<DeviceEntity> page(Filter filter, String afterDeviceId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM registry.devices WHERE true");
        Map<String, Object> params = new HashMap<>();
        if (filter.type() != null) {
            sql.append(" AND type = :type");
            params.put("type", filter.type());
        }
        if (filter.state() != null) {
            sql.append(" AND state = :state");
            params.put("state", filter.state().name());
        }
        if (filter.labelsJson() != null) {
            sql.append(" AND labels @> CAST(:labels AS jsonb)");
            params.put("labels", filter.labelsJson());
        }
        if (afterDeviceId != null) {
            sql.append(" AND device_id > :after");
            params.put("after", afterDeviceId);
        }
        sql.append(" ORDER BY device_id LIMIT :limit");
        params.put("limit", limit);
        Query query = getEntityManager().createNativeQuery(sql.toString(), DeviceEntity.class);
        params.forEach(query::setParameter);
        return query.getResultList();
    }

    /** How many devices name the type. */
    public static long countOfType(String type) {
        return count("type", type);
    }
}
