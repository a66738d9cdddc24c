package io.fleetstream.registry.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Appends an audit entry inside the caller's transaction, so that a change and its audit entry commit together. */
@ApplicationScoped
public class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class);

    private final ObjectMapper json;

    public AuditWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Records who changed what. Must run inside the transaction that makes the change.
     *
     * @param change JSON-ready description of the change (strings, numbers, booleans, lists and maps); never a secret
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(
            String actorKeyId,
            String actorName,
            String action,
            String resourceType,
            String resourceId,
            Map<String, Object> change,
            Instant at) {
        AuditEntryEntity entry = new AuditEntryEntity();
        entry.at = at;
        entry.actorKeyId = actorKeyId;
        entry.actorName = actorName;
        entry.action = action;
        entry.resourceType = resourceType;
        entry.resourceId = resourceId;
        entry.change = change;
        entry.persist();
        LOG.debugf("audit [%s] %s %s [%s] by key [%s]", entry.id, action, resourceType, resourceId, actorKeyId);
    }

    /** One audit entry of {@link #recordAll}. */
    public record Entry(String action, String resourceType, String resourceId, Map<String, Object> change) {}

    /** Records many entries of one actor in one JDBC batch (a bulk registration). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAll(String actorKeyId, String actorName, List<Entry> entries, Instant at) {
        Session session = Panache.getEntityManager().unwrap(Session.class);
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                Timestamp time = Timestamp.from(at);
                for (Entry entry : entries) {
                    insert.setTimestamp(1, time);
                    insert.setString(2, actorKeyId);
                    insert.setString(3, actorName);
                    insert.setString(4, entry.action());
                    insert.setString(5, entry.resourceType());
                    insert.setString(6, entry.resourceId());
                    insert.setString(7, json(entry.change()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    private String json(Map<String, Object> change) {
        try {
            return json.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit change must be plain JSON values", e);
        }
    }

    private static final String INSERT = "INSERT INTO registry.audit_log (at, actor_key_id, actor_name, action,"
            + " resource_type, resource_id, change) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb))";
}
