package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.OperatorKeyEntity;
import io.fleetstream.schema.OperatorRole;

import java.time.Instant;

/** An operator key as listed: never the key or its hash. */
public record OperatorKeyView(
        String keyId, String name, OperatorRole role, Instant createdAt, Instant expiresAt, Instant revokedAt) {

    static OperatorKeyView of(OperatorKeyEntity key) {
        return new OperatorKeyView(key.keyId, key.name, key.role, key.createdAt, key.expiresAt, key.revokedAt);
    }
}
