package io.fleetstream.stack;

import java.security.SecureRandom;
import java.util.Base64;

/** Operator API keys for a local stack, in the registry's format: {@code fsk_} and 32 random bytes, base64url. */
final class OperatorKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private OperatorKeys() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "fsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
