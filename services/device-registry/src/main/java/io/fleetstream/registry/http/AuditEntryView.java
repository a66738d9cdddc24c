package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.AuditEntryEntity;

import java.time.Instant;
import java.util.Map;

/** One audit entry: who (key id and name), what (action, resource, change) and when. */
public record AuditEntryView(
        long id,
        Instant at,
        Actor actor,
        String action,
        String resourceType,
        String resourceId,
        Map<String, Object> change) {

    /** The operator key that made the change; {@code system} for changes the registry made from configuration. */
    public record Actor(String keyId, String name) {}

    static AuditEntryView of(AuditEntryEntity entry) {
        return new AuditEntryView(
                entry.id,
                entry.at,
                new Actor(entry.actorKeyId, entry.actorName),
                entry.action,
                entry.resourceType,
                entry.resourceId,
                entry.change);
    }
}
