package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.IssuedCredential;

import java.time.Instant;

/** Answer to a credential request; the only response that ever carries the token. */
public record IssuedCredentialView(
        String credentialId, String deviceId, String token, Instant createdAt, Instant expiresAt) {

    static IssuedCredentialView of(IssuedCredential issued) {
        return new IssuedCredentialView(
                issued.credential().credentialId,
                issued.credential().deviceId,
                issued.token(),
                issued.credential().createdAt,
                issued.credential().expiresAt);
    }
}
