package io.fleetstream.registry.domain;

import io.fleetstream.registry.persistence.DeviceCredentialEntity;
import io.fleetstream.registry.persistence.DeviceEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Issues device credentials. Only the token hash is stored and published; the token is returned once. */
@ApplicationScoped
public class CredentialService {

    /** Outbox event type of a new credential. */
    public static final String CREDENTIAL_ISSUED = "DeviceCredentialIssued";

    /** Epoch milliseconds below this (March 1973) are almost certainly seconds sent by mistake. */
    private static final long SMALLEST_PLAUSIBLE_MILLIS = 100_000_000_000L;

    /** Latest accepted expiry; later values are typos, and PostgreSQL could not store all of them. */
    private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final Logger LOG = Logger.getLogger(CredentialService.class);

    private final OutboxWriter outbox;
    private final Clock clock;

    public CredentialService(OutboxWriter outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Creates a credential for a device.
     *
     * @throws InvalidRequestException if expiresAt is malformed or not in the future
     * @throws UnknownResourceException if the device does not exist
     */
    @Transactional
    public IssuedCredential issue(String deviceId, CredentialDraft draft) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = expiresAt(draft.expiresAt(), now);
        if (DeviceEntity.findById(deviceId) == null) {
            throw new UnknownResourceException("device", deviceId);
        }
        String token = Tokens.generate();
        DeviceCredentialEntity credential = new DeviceCredentialEntity();
        credential.credentialId = UUID.randomUUID().toString();
        credential.deviceId = deviceId;
        credential.tokenHash = TokenHash.of(token);
        credential.createdAt = now;
        credential.expiresAt = expiresAt;
        credential.persist();
        outbox.append(
                CREDENTIAL_ISSUED,
                Topics.REGISTRY_CREDENTIALS,
                credential.credentialId,
                AvroRecords.encode(AvroRecords.credential(credential)),
                now);
        LOG.infof("credential [%s] issued for device [%s]", credential.credentialId, deviceId);
        return new IssuedCredential(credential, token);
    }

    private static Instant expiresAt(Object raw, Instant now) {
        if (raw == null) {
            return null;
        }
        Instant parsed;
        if (raw instanceof Integer || raw instanceof Long) {
            long millis = ((Number) raw).longValue();
            if (millis > 0 && millis < SMALLEST_PLAUSIBLE_MILLIS) {
                throw new InvalidRequestException(
                        "expiresAt", millis + " looks like epoch seconds; give epoch milliseconds instead");
            }
            parsed = Instant.ofEpochMilli(millis);
        } else if (raw instanceof String text) {
            try {
                parsed = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(
                        "expiresAt",
                        "'" + Checks.abbreviate(text) + "' is not an RFC 3339 time with offset; use for example"
                                + " 2030-01-31T12:00:00Z, or epoch milliseconds as a JSON integer");
            }
        } else if (raw instanceof BigInteger) {
            throw new InvalidRequestException("expiresAt", "is out of range; give epoch milliseconds");
        } else {
            throw new InvalidRequestException(
                    "expiresAt",
                    "must be epoch milliseconds as a JSON integer or an RFC 3339 string such as 2030-01-31T12:00:00Z");
        }
        parsed = parsed.truncatedTo(ChronoUnit.MILLIS);
        if (parsed.isAfter(LATEST_EXPIRY)) {
            throw new InvalidRequestException(
                    "expiresAt", "is after " + LATEST_EXPIRY + "; give an earlier time, or leave expiresAt out");
        }
        if (!parsed.isAfter(now)) {
            throw new InvalidRequestException(
                    "expiresAt",
                    parsed + " is not in the future (server time " + now + "); give a later time or"
                            + " leave expiresAt out for a credential that does not expire");
        }
        return parsed;
    }
}
