package io.fleetstream.registry.http;

import io.fleetstream.schema.OperatorRole;

/**
 * The role each registry request needs, decided in one place from the HTTP method and the resource class the request
 * matched, so that a new endpoint cannot be left open by forgetting an annotation and no spelling of a path can reach
 * a resource under a weaker rule: reading needs VIEWER, changing needs OPERATOR, and API keys and the audit log need
 * ADMIN whatever the method.
 */
final class AccessPolicy {

    private AccessPolicy() {}

    static OperatorRole required(String method, Class<?> resource) {
        if (resource == OperatorKeyResource.class || resource == AuditResource.class) {
            return OperatorRole.ADMIN;
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            return OperatorRole.VIEWER;
        }
        return OperatorRole.OPERATOR;
    }

    /** Whether {@code held} includes everything {@code needed} may do; roles are ordered VIEWER < OPERATOR < ADMIN. */
    static boolean allows(OperatorRole held, OperatorRole needed) {
        return held.ordinal() >= needed.ordinal();
    }
}
