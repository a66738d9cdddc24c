package io.fleetstream.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A device credential, by token hash only (table {@code registry.device_credentials}). */
@Entity
@Table(name = "device_credentials")
public class DeviceCredentialEntity extends PanacheEntityBase {

    @Id
    @Column(name = "credential_id")
    public String credentialId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    /** Lower-case hex SHA-256 of the token, see {@link io.fleetstream.schema.TokenHash}. */
    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** Whether a device could authenticate with this credential at {@code now}. */
    public boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    /** Every credential of the device, oldest first. */
    public static List<DeviceCredentialEntity> ofDevice(String deviceId) {
        return list("deviceId = ?1 order by createdAt, credentialId", deviceId);
    }
}
