package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.IssuedKey;
import io.fleetstream.schema.OperatorRole;

import java.time.Instant;

/** Answer to a key creation; the only response that ever carries the key. */
public record IssuedKeyView(
        String keyId, String name, OperatorRole role, String key, Instant createdAt, Instant expiresAt) {

    static IssuedKeyView of(IssuedKey issued) {
        return new IssuedKeyView(
                issued.entity().keyId,
                issued.entity().name,
                issued.entity().role,
                issued.key(),
                issued.entity().createdAt,
                issued.entity().expiresAt);
    }
}
