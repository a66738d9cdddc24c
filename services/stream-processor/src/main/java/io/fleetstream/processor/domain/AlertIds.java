package io.fleetstream.processor.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic alert identities, so that a replay or a restart produces the same id for the same episode. */
public final class AlertIds {

    private AlertIds() {}

    /**
     * The id of the episode of {@code ruleId} on {@code deviceId} raised at {@code raisedAtMillis}: lower-case hex of
     * the first 16 bytes of SHA-256 over {@code deviceId + '\n' + ruleId + '\n' + raisedAtMillis}.
     */
    public static String of(String deviceId, String ruleId, long raisedAtMillis) {
        String identity = deviceId + '\n' + ruleId + '\n' + raisedAtMillis;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
