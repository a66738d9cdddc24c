package io.fleetstream.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one definition of how a device token is hashed, shared by the registry (which stores and publishes the hash)
 * and the ingestion edge (which looks incoming tokens up by it). Tokens are 256-bit random values, so an unsalted
 * SHA-256 is enough: there is nothing to brute-force.
 */
public final class TokenHash {

    private TokenHash() {}

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String of(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
