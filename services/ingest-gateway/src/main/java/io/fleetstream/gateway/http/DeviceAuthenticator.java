package io.fleetstream.gateway.http;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.gateway.kafka.DeviceDirectory;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.TokenHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Resolves the token of a request to a device that may send: the credential must be known, not revoked and not
 * expired (else 401), and its device must be known and {@code ACTIVE} (else 403). Only the token's hash is ever looked
 * up; neither the token nor its hash is logged or echoed.
 *
 * <p>When the credential is known but its device is not, the answer depends on whether the device changelog has been
 * read up to where it stood at startup: before that the record may simply not have been read yet (503 with
 * Retry-After); after it the device is not registered (403). A device deleted while the gateway runs takes its
 * credentials with it (401).
 */
@ApplicationScoped
public class DeviceAuthenticator {

    private static final String BEARER = "bearer ";
    private static final String NEW_CREDENTIAL = "ask an operator for a new credential";

    private final CredentialCache credentials;
    private final DeviceDirectory devices;

    public DeviceAuthenticator(CredentialCache credentials, DeviceDirectory devices) {
        this.credentials = credentials;
        this.devices = devices;
    }

    /** Authenticates a request at {@code now}, given its Authorization header (null when absent). */
    public AuthOutcome authenticateHeader(String authorization, Instant now) {
        if (authorization == null || authorization.isBlank()) {
            return new AuthOutcome.Rejected(
                    "the request has no Authorization header; send Authorization: Bearer <device token>", false);
        }
        String header = authorization.strip();
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new AuthOutcome.Rejected(
                    "the Authorization header is not a bearer token; send Authorization: Bearer <device token>", false);
        }
        return authenticateToken(header.substring(BEARER.length()).strip(), now);
    }

    /** Authenticates a request at {@code now}, given the token it carries (in the header or, for ThingsBoard, path). */
    public AuthOutcome authenticateToken(String token, Instant now) {
        if (token.isEmpty()) {
            return new AuthOutcome.Rejected("the token is empty; send the device token", false);
        }
        DeviceCredential credential = credentials.find(TokenHash.of(token)).orElse(null);
        if (credential == null) {
            if (!credentials.caughtUp()) {
                return new AuthOutcome.NotReady("the gateway is still loading device credentials");
            }
            Log.debug("authentication: unknown token");
            return new AuthOutcome.Rejected(
                    "the token is not a known device credential; check it was copied completely, or " + NEW_CREDENTIAL,
                    true);
        }
        String credentialId = credential.getCredentialId();
        String deviceId = credential.getDeviceId();
        if (devices.state(deviceId) == DeviceState.DECOMMISSIONED) {
            // Decommissioning also revokes the device's credentials; the device's state is the answer that helps.
            return authorizeDevice(deviceId, credentialId);
        }
        if (credential.getRevokedAt() != null && !credential.getRevokedAt().isAfter(now)) {
            Log.debugf("authentication: revoked credential [%s] of device [%s]", credentialId, deviceId);
            return new AuthOutcome.Rejected(
                    "credential [" + credentialId + "] was revoked at " + credential.getRevokedAt() + "; "
                            + NEW_CREDENTIAL,
                    true);
        }
        if (credential.getExpiresAt() != null && !credential.getExpiresAt().isAfter(now)) {
            Log.debugf("authentication: expired credential [%s] of device [%s]", credentialId, deviceId);
            return new AuthOutcome.Rejected(
                    "credential [" + credentialId + "] expired at " + credential.getExpiresAt() + "; " + NEW_CREDENTIAL,
                    true);
        }
        return authorizeDevice(deviceId, credentialId);
    }

    private AuthOutcome authorizeDevice(String deviceId, String credentialId) {
        DeviceState state = devices.state(deviceId);
        if (state == null) {
            if (devices.deleted(deviceId)) {
                Log.debugf("authentication: credential [%s] of deleted device [%s]", credentialId, deviceId);
                return new AuthOutcome.Rejected(
                        "device [" + deviceId + "] was deleted, and its credentials with it; " + NEW_CREDENTIAL
                                + " of a registered device",
                        true);
            }
            if (!devices.caughtUp()) {
                return new AuthOutcome.NotReady("the gateway is still loading the device registry");
            }
            return new AuthOutcome.Forbidden("device [" + deviceId + "] is not registered; an operator must register "
                    + "it in the device registry (if that was done just now, retry in a few seconds)");
        }
        return switch (state) {
            case ACTIVE -> new AuthOutcome.Authenticated(deviceId, credentialId);
            case PROVISIONED ->
                new AuthOutcome.Forbidden("device [" + deviceId + "] is provisioned but not activated yet; an "
                        + "operator must activate it in the device registry before it can send telemetry");
            case SUSPENDED ->
                new AuthOutcome.Forbidden("device [" + deviceId + "] is suspended; an operator must reactivate it in "
                        + "the device registry before it can send telemetry again");
            case DECOMMISSIONED ->
                new AuthOutcome.Forbidden("device [" + deviceId + "] is decommissioned and may no longer send "
                        + "telemetry; an operator must register a new device to replace it");
        };
    }
}
