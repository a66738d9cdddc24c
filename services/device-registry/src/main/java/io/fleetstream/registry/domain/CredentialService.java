package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Issues, lists, rotates and revokes device credentials. Only the token hash is stored and published; a token is
 * returned once, when it is made. Every change is published, so the ingestion edge learns of a revocation or a
 * shortened expiry within seconds.
 */
@ApplicationScoped
public class CredentialService {

    /** Outbox event types. */
    public static final String CREDENTIAL_ISSUED = "DeviceCredentialIssued";

    public static final String CREDENTIAL_CHANGED = "DeviceCredentialChanged";
    public static final String CREDENTIAL_DELETED = "DeviceCredentialDeleted";

    /** Longest overlap of a rotation: old credentials stay valid at most this long after it. */
    static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private static final Logger LOG = Logger.getLogger(CredentialService.class);

    private final OutboxWriter outbox;
    private final Audit audit;
    private final Clock clock;

    public CredentialService(OutboxWriter outbox, Audit audit, Clock clock) {
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Creates a credential for a device.
     *
     * @throws InvalidRequestException if expiresAt is malformed or not in the future
     * @throws UnknownResourceException if the device does not exist
     * @throws ForbiddenTransitionException if the device is decommissioned
     */
    @Transactional
    public IssuedCredential issue(Actor actor, String deviceId, CredentialDraft draft) {
        Instant now = now();
        Instant expiresAt = Times.expiry("expiresAt", draft.expiresAt(), now);
        lockedUsableDevice(deviceId);
        IssuedCredential issued = persistNew(deviceId, expiresAt, now);
        audit.record(
                actor,
                "credential.issued",
                Audit.CREDENTIAL,
                issued.credential().credentialId,
                Audit.after(Audit.credential(issued.credential())),
                now);
        LOG.infof("credential [%s] issued for device [%s]", issued.credential().credentialId, deviceId);
        return issued;
    }

    /** Every credential of an existing device, oldest first. */
    public List<DeviceCredentialEntity> list(String deviceId) {
        if (DeviceEntity.findById(deviceId) == null) {
            throw new UnknownResourceException("device", deviceId);
        }
        return DeviceCredentialEntity.ofDevice(deviceId);
    }

    /** Revokes one credential; revoking a revoked credential changes nothing. */
    @Transactional
    public DeviceCredentialEntity revoke(Actor actor, String deviceId, String credentialId) {
        DeviceCredentialEntity credential =
                DeviceCredentialEntity.findById(credentialId, LockModeType.PESSIMISTIC_WRITE);
        if (credential == null || !credential.deviceId.equals(deviceId)) {
            throw new UnknownResourceException("credential", credentialId + "] of device [" + deviceId);
        }
        if (credential.revokedAt != null) {
            return credential;
        }
        Instant now = now();
        change(actor, credential, "credential.revoked", c -> c.revokedAt = now, now);
        LOG.infof("credential [%s] of device [%s] revoked", credentialId, deviceId);
        return credential;
    }

    /**
     * Issues a new credential and lets every credential valid now expire after the overlap (or keep its earlier
     * expiry), so that a device can switch to the new token without a gap.
     */
    @Transactional
    public Rotation rotate(Actor actor, String deviceId, RotationDraft draft) {
        Instant now = now();
        Checks checks = new Checks();
        Duration overlap =
                draft == null ? null : Times.duration(checks, "overlap", draft.overlap(), Duration.ZERO, MAX_OVERLAP);
        if (draft == null || draft.overlap() == null) {
            checks.add(
                    "overlap",
                    "is required; say how long the current credentials keep working, as ISO 8601 (\"PT1H\") or whole"
                            + " seconds, from PT0S to " + MAX_OVERLAP);
        }
        checks.throwIfAny();
        Instant expiresAt = Times.expiry("expiresAt", draft.expiresAt(), now);
        lockedUsableDevice(deviceId);
        Instant oldEnd = now.plus(overlap);
        List<DeviceCredentialEntity> shortened = new ArrayList<>();
        for (DeviceCredentialEntity old : DeviceCredentialEntity.ofDevice(deviceId)) {
            if (!old.validAt(now) || (old.expiresAt != null && !old.expiresAt.isAfter(oldEnd))) {
                continue;
            }
            change(actor, old, "credential.expiry-shortened", c -> c.expiresAt = oldEnd, now);
            shortened.add(old);
        }
        IssuedCredential issued = persistNew(deviceId, expiresAt, now);
        Map<String, Object> change = new LinkedHashMap<>(Audit.credential(issued.credential()));
        change.put("overlap", overlap.toString());
        change.put("replaces", shortened.stream().map(c -> c.credentialId).toList());
        audit.record(
                actor,
                "credential.rotated",
                Audit.CREDENTIAL,
                issued.credential().credentialId,
                Map.of("after", change),
                now);
        LOG.infof(
                "credentials of device [%s] rotated: new credential [%s], %d old one(s) expire at %s",
                deviceId, issued.credential().credentialId, shortened.size(), oldEnd);
        return new Rotation(issued, shortened);
    }

    /** The new credential of a rotation and the credentials whose expiry it brought forward. */
    public record Rotation(IssuedCredential issued, List<DeviceCredentialEntity> shortened) {}

    /** Revokes every credential of a device that is not revoked yet (decommissioning); returns how many. */
    @Transactional(Transactional.TxType.MANDATORY)
    int revokeAllOf(Actor actor, String deviceId, Instant now) {
        int revoked = 0;
        for (DeviceCredentialEntity credential : DeviceCredentialEntity.ofDevice(deviceId)) {
            if (credential.revokedAt != null) {
                continue;
            }
            change(actor, credential, "credential.revoked", c -> c.revokedAt = now, now);
            revoked++;
        }
        return revoked;
    }

    /** Deletes every credential of a device and publishes a tombstone for each (device deletion). */
    @Transactional(Transactional.TxType.MANDATORY)
    List<DeviceCredentialEntity> deleteAllOf(Actor actor, String deviceId, Instant now) {
        List<DeviceCredentialEntity> credentials = DeviceCredentialEntity.ofDevice(deviceId);
        for (DeviceCredentialEntity credential : credentials) {
            credential.delete();
            outbox.append(CREDENTIAL_DELETED, Topics.REGISTRY_CREDENTIALS, credential.credentialId, null, now);
            audit.record(
                    actor,
                    "credential.deleted",
                    Audit.CREDENTIAL,
                    credential.credentialId,
                    Map.of("before", Audit.credential(credential)),
                    now);
        }
        return credentials;
    }

    /** A new credential, not yet persisted, for a bulk registration that persists and publishes it itself. */
    IssuedCredential newCredential(String deviceId, Instant expiresAt, Instant now) {
        String token = Tokens.generate();
        DeviceCredentialEntity credential = new DeviceCredentialEntity();
        credential.credentialId = UUID.randomUUID().toString();
        credential.deviceId = deviceId;
        credential.tokenHash = TokenHash.of(token);
        credential.createdAt = now;
        credential.expiresAt = expiresAt;
        return new IssuedCredential(credential, token);
    }

    /** Applies one change to a stored credential, publishes the new record and audits before and after. */
    private void change(
            Actor actor,
            DeviceCredentialEntity credential,
            String action,
            Consumer<DeviceCredentialEntity> mutation,
            Instant now) {
        Map<String, Object> before = Audit.credential(credential);
        mutation.accept(credential);
        publishChange(credential, now);
        audit.record(
                actor,
                action,
                Audit.CREDENTIAL,
                credential.credentialId,
                Audit.change(before, Audit.credential(credential)),
                now);
    }

    private IssuedCredential persistNew(String deviceId, Instant expiresAt, Instant now) {
        IssuedCredential issued = newCredential(deviceId, expiresAt, now);
        issued.credential().persist();
        outbox.append(
                CREDENTIAL_ISSUED,
                Topics.REGISTRY_CREDENTIALS,
                issued.credential().credentialId,
                AvroRecords.encode(AvroRecords.credential(issued.credential())),
                now);
        return issued;
    }

    private void publishChange(DeviceCredentialEntity credential, Instant now) {
        outbox.append(
                CREDENTIAL_CHANGED,
                Topics.REGISTRY_CREDENTIALS,
                credential.credentialId,
                AvroRecords.encode(AvroRecords.credential(credential)),
                now);
    }

    /** Locks the device so that a concurrent decommission cannot miss a credential issued meanwhile. */
    private static DeviceEntity lockedUsableDevice(String deviceId) {
        DeviceEntity device = DeviceEntity.findById(deviceId, LockModeType.PESSIMISTIC_WRITE);
        if (device == null) {
            throw new UnknownResourceException("device", deviceId);
        }
        if (device.state == DeviceState.DECOMMISSIONED) {
            throw new ForbiddenTransitionException("device [" + deviceId + "] is DECOMMISSIONED; a decommissioned"
                    + " device gets no credentials. Register a new device instead");
        }
        return device;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
