package io.fleetstream.query.auth;

import io.fleetstream.query.kafka.OperatorKeys;
import io.fleetstream.schema.OperatorKey;
import io.fleetstream.schema.TokenHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;

/**
 * Resolves {@code Authorization: Bearer <api key>} to an operator through the key changelog. Only the key's hash is
 * looked up; the key itself is never logged, counted or echoed.
 */
@ApplicationScoped
public class OperatorAuthenticator {

    private static final String BEARER = "bearer ";

    private final OperatorKeys keys;

    public OperatorAuthenticator(OperatorKeys keys) {
        this.keys = keys;
    }

    /** Authenticates a request at {@code now}, given its Authorization header (null when absent). */
    public AuthOutcome authenticate(String authorization, Instant now) {
        if (authorization == null || authorization.isBlank()) {
            return new AuthOutcome.Rejected(
                    "missing",
                    "this endpoint needs an operator API key; send Authorization: Bearer <api key> (an admin creates"
                            + " keys in the device registry)");
        }
        String header = authorization.strip();
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new AuthOutcome.Rejected(
                    "missing", "the Authorization header is not a bearer token; send Authorization: Bearer <api key>");
        }
        // A revocation that has not been read yet would let a revoked key through, so nothing is judged before the
        // view has caught up with the changelog as it stood at start.
        if (!keys.caughtUp()) {
            return new AuthOutcome.NotReady();
        }
        Optional<OperatorKey> found =
                keys.find(TokenHash.of(header.substring(BEARER.length()).strip()));
        if (found.isEmpty()) {
            Log.debug("authentication: unknown operator key");
            return new AuthOutcome.Rejected(
                    "unknown",
                    "the API key is not a known operator key; check it was copied completely, or ask an admin for a"
                            + " new one");
        }
        OperatorKey key = found.get();
        if (key.getRevokedAt() != null && !key.getRevokedAt().isAfter(now)) {
            Log.debugf("authentication: revoked operator key [%s]", key.getKeyId());
            return new AuthOutcome.Rejected(
                    "revoked",
                    "operator key [" + key.getKeyId() + "] was revoked at " + key.getRevokedAt()
                            + "; ask an admin for a new key");
        }
        if (key.getExpiresAt() != null && !key.getExpiresAt().isAfter(now)) {
            Log.debugf("authentication: expired operator key [%s]", key.getKeyId());
            return new AuthOutcome.Rejected(
                    "expired",
                    "operator key [" + key.getKeyId() + "] expired at " + key.getExpiresAt()
                            + "; ask an admin for a new key");
        }
        return new AuthOutcome.Authenticated(new Operator(key.getKeyId(), key.getName(), key.getRole()));
    }
}
