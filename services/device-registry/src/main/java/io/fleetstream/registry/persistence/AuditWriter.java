package io.fleetstream.registry.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;

/** Appends an audit entry inside the caller's transaction, so that a change and its audit entry commit together. */
@ApplicationScoped
public class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class);

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
}
