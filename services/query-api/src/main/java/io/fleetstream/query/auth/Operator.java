package io.fleetstream.query.auth;

import io.fleetstream.schema.OperatorRole;

/** The holder of an accepted operator API key, as recorded in audit entries. */
public record Operator(String keyId, String name, OperatorRole role) {

    /** Whether this operator's role includes {@code needed} (VIEWER < OPERATOR < ADMIN). */
    public boolean has(OperatorRole needed) {
        return role.ordinal() >= needed.ordinal();
    }
}
