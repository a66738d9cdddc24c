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
        checks.optionalIdentifier("resourceType", resourceType);
        checks.optionalIdentifier("actor", actor);
        checks.throwIfAny();
        Instant fromTime = Times.instant("from", from);
        Instant toTime = Times.instant("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw new InvalidRequestException("to", "must be after from (" + fromTime + "); the range is [from, to)");
        }
        int size = Cursor.limit(limit);
        Long before = beforeId(cursor);
        AuditEntryEntity.Filter filter = new AuditEntryEntity.Filter(resourceType, resourceId, actor, fromTime, toTime);
        return Page.of(AuditEntryEntity.page(filter, before, size + 1), size, entry -> String.valueOf(entry.id));
    }

    private static Long beforeId(String cursor) {
        String last = Cursor.lastId(cursor);
        if (last == null) {
            return null;
        }
        try {
            return Long.valueOf(last);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(
                    "cursor", "is not a cursor of the audit log; pass nextCursor of the previous page unchanged");
        }
    }
}
