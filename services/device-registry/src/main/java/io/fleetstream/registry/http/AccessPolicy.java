package io.fleetstream.registry.http;

import io.fleetstream.schema.OperatorRole;

/**
 * The role each registry request needs, decided in one place from method and path so that a new endpoint cannot
 * be left open by forgetting an annotation: reading needs VIEWER, changing needs OPERATOR, and API keys and the audit
 * log need ADMIN whatever the method.
 */
final class AccessPolicy {

    private AccessPolicy() {}

    static OperatorRole required(String method, String path) {
        String normalised = path.startsWith("/") ? path : "/" + path;
        if (normalised.startsWith("/v1/api-keys") || normalised.startsWith("/v1/audit")) {
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
