package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One audited registry change (table {@code registry.audit_log}); never updated. */
@Entity
@Table(name = "audit_log")
public class AuditEntryEntity extends PanacheEntityBase {

    /** Assigned by the INSERT, so that id order is commit order closely enough for newest-first paging. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public Instant at;

    @Column(name = "actor_key_id", nullable = false)
    public String actorKeyId;

    @Column(name = "actor_name", nullable = false)
    public String actorName;

    @Column(nullable = false)
    public String action;

    @Column(name = "resource_type", nullable = false)
    public String resourceType;

    @Column(name = "resource_id", nullable = false)
    public String resourceId;

    /** JSON of the change, without secrets. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> change;

    /** Filters of the audit query; null fields do not filter. */
    public record Filter(String resourceType, String resourceId, String actorKeyId, Instant from, Instant to) {}

    /** One page of entries, newest first, starting before {@code beforeId} (exclusive, null for the first page). */
    public static List<AuditEntryEntity> page(Filter filter, Long beforeId, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (filter.resourceType() != null) {
            query.append(" and resourceType = :resourceType");
            params.put("resourceType", filter.resourceType());
        }
        if (filter.resourceId() != null) {
            query.append(" and resourceId = :resourceId");
            params.put("resourceId", filter.resourceId());
        }
        if (filter.actorKeyId() != null) {
            query.append(" and actorKeyId = :actor");
            params.put("actor", filter.actorKeyId());
        }
        if (filter.from() != null) {
            query.append(" and at >= :from");
            params.put("from", filter.from());
        }
        if (filter.to() != null) {
            query.append(" and at < :to");
            params.put("to", filter.to());
        }
        if (beforeId != null) {
            query.append(" and id < :before");
            params.put("before", beforeId);
        }
        query.append(" order by id desc");
        return find(query.toString(), params).page(0, limit).list();
    }
}
