package io.fleetstream.registry.domain;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes device tokens: 256 random bits, base64url without padding, with a prefix that makes leaked tokens easy to
 * spot.
 */
public final class Tokens {

    /** Prefix of every device token, so that secret scanners and operators can recognise one. */
    public static final String PREFIX = "fst_";

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** A new random token. */
    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
