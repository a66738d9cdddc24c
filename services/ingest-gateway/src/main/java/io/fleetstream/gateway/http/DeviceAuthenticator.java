package io.fleetstream.gateway.http;

import io.fleetstream.gateway.kafka.CredentialCache;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.TokenHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;

/**
 * Resolves the {@code Authorization: Bearer} header of a request to a device, through the credential cache. Only the
 * token's hash is ever looked up or logged.
 */
@ApplicationScoped
public class DeviceAuthenticator {

    private static final String BEARER = "bearer ";

    private final CredentialCache credentials;

    public DeviceAuthenticator(CredentialCache credentials) {
        this.credentials = credentials;
    }

    /** Authenticates a request at {@code now}, given its Authorization header (null when absent). */
    public AuthOutcome authenticate(String authorization, Instant now) {
        if (authorization == null || authorization.isBlank()) {
            return new AuthOutcome.Rejected(
                    "the request has no Authorization header; send Authorization: Bearer <device token>", false);
        }
        String header = authorization.strip();
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new AuthOutcome.Rejected(
                    "the Authorization header is not a bearer token; send Authorization: Bearer <device token>", false);
        }
        String token = header.substring(BEARER.length()).strip();
        Optional<DeviceCredential> found = credentials.find(TokenHash.of(token));
        if (found.isEmpty()) {
            if (!credentials.caughtUp()) {
                return new AuthOutcome.NotReady();
            }
            Log.debug("authentication: unknown token");
            return new AuthOutcome.Rejected(
                    "the token is not a known device credential; check it was copied completely, or ask an operator "
                            + "for a new credential",
                    true);
        }
        DeviceCredential credential = found.get();
        if (credential.getRevokedAt() != null && !credential.getRevokedAt().isAfter(now)) {
            Log.debugf(
                    "authentication: revoked credential [%s] of device [%s]",
                    credential.getCredentialId(), credential.getDeviceId());
            return new AuthOutcome.Rejected(
                    "credential [" + credential.getCredentialId() + "] was revoked at " + credential.getRevokedAt()
                            + "; ask an operator for a new credential",
                    true);
        }
        if (credential.getExpiresAt() != null && !credential.getExpiresAt().isAfter(now)) {
            Log.debugf(
                    "authentication: expired credential [%s] of device [%s]",
                    credential.getCredentialId(), credential.getDeviceId());
            return new AuthOutcome.Rejected(
                    "credential [" + credential.getCredentialId() + "] expired at " + credential.getExpiresAt()
                            + "; ask an operator for a new credential",
                    true);
        }
        return new AuthOutcome.Authenticated(credential.getDeviceId(), credential.getCredentialId());
    }
}
