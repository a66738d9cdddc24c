package io.fleetstream.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one definition of how a device token or operator key is hashed, shared by the registry (which stores and
 * publishes the hash) and the services that look incoming secrets up by it. Tokens and keys are 256-bit random
 * values, so an unsalted SHA-256 is enough: there is nothing to brute-force.
 *
 * <p>Each thread keeps one digest: the ingestion edge hashes a token per request, and looking the algorithm up cost
 * more than the hashing itself.
 */
public final class TokenHash {

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(TokenHash::newDigest);

    private TokenHash() {}

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String of(String token) {
        MessageDigest digest = SHA_256.get();
        // digest() resets it, but a call cut short by an error could have left input behind.
        digest.reset();
        return HEX.formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
