package io.fleetstream.registry.http;

import io.fleetstream.registry.persistence.DeviceCredentialEntity;

import java.time.Instant;

/**
 * A credential as listed: never the token or its hash.
 *
 * @param status ACTIVE, EXPIRED or REVOKED at the time of the answer
 */
public record CredentialView(
        String credentialId, String deviceId, Instant createdAt, Instant expiresAt, Instant revokedAt, String status) {

    static CredentialView of(DeviceCredentialEntity credential, Instant now) {
        String status = credential.revokedAt != null ? "REVOKED" : credential.validAt(now) ? "ACTIVE" : "EXPIRED";
        return new CredentialView(
                credential.credentialId,
                credential.deviceId,
                credential.createdAt,
                credential.expiresAt,
                credential.revokedAt,
                status);
    }
}
