package io.fleetstream.registry.persistence;

import io.fleetstream.schema.OperatorRole;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An operator API key, by hash only (table {@code registry.operator_keys}). */
@Entity
@Table(name = "operator_keys")
public class OperatorKeyEntity extends PanacheEntityBase {

    @Id
    @Column(name = "key_id")
    public String keyId;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OperatorRole role;

    /** Lower-case hex SHA-256 of the key, see {@link io.fleetstream.schema.TokenHash}. */
    @Column(name = "key_hash", nullable = false)
    public String keyHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** Whether the key lets its holder in at {@code now}. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    public static Optional<OperatorKeyEntity> findByHash(String keyHash) {
        return find("keyHash", keyHash).firstResultOptional();
    }

    /** Whether any key with role ADMIN is usable at {@code now}. */
    public static boolean anyUsableAdmin(Instant now) {
        return count(
                        "role = ?1 and revokedAt is null and (expiresAt is null or expiresAt > ?2)",
                        OperatorRole.ADMIN,
                        now)
                > 0;
    }

    /** One page of keys in key id order, starting after {@code afterKeyId} (exclusive, null for the first page). */
    public static List<OperatorKeyEntity> page(String afterKeyId, int limit) {
        if (afterKeyId == null) {
            return find("order by keyId").page(0, limit).list();
        }
        return find("keyId > ?1 order by keyId", afterKeyId).page(0, limit).list();
    }
}
