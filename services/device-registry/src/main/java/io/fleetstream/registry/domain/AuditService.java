package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.AuditEntryEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Reads the audit log, newest entry first. */
@ApplicationScoped
public class AuditService {

    public Page<AuditEntryEntity> list(
            String resourceType, String resourceId, String actor, String from, String to, String limit, String cursor) {
        Checks checks = new Checks();
        if (resourceType != null && !Audit.RESOURCE_TYPES.contains(resourceType)) {
            // Without this check an unknown type is a valid-looking filter that matches nothing, which reads as
            // "no changes" rather than as the typo it is.
            checks.add(
                    "resourceType",
                    "'" + Checks.abbreviate(resourceType) + "' is not a resource type; use one of "
                            + String.join(", ", Audit.RESOURCE_TYPES) + " (lower case), or leave it out for all");
        }
        checks.optionalIdentifier("resourceId", resourceId);
        checks.optionalIdentifier("actor", actor);
        Instant fromTime = checks.collect(() -> Times.instant("from", from));
        Instant toTime = checks.collect(() -> Times.instant("to", to));
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            checks.add("to", "must be after from (" + fromTime + "); the range is [from, to)");
        }
        Integer size = checks.collect(() -> Cursor.limit(limit));
        Long before = checks.collect(() -> beforeId(cursor));
        checks.throwIfAny();
        AuditEntryEntity.Filter filter = new AuditEntryEntity.Filter(resourceType, resourceId, actor, fromTime, toTime);
        return Page.of(AuditEntryEntity.page(filter, before, size + 1), size, entry -> String.valueOf(entry.id));
    }

    private static Long beforeId(String cursor) {
        String last = Cursor.lastId(cursor);
        if (last == null) {
            return null;
        }
        long id;
        try {
            id = Long.parseLong(last);
        } catch (NumberFormatException e) {
            id = 0;
        }
        if (id > 0) {
            return id;
        }
        throw new InvalidRequestException(
                "cursor",
                "is not a cursor of the audit log; pass nextCursor of the previous page unchanged, or leave cursor out"
                        + " to start at the newest entry");
    }
}
