package io.fleetstream.registry.domain;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes operator API keys: {@code fsk_} + 256 random bits, base64url without padding. */
public final class OperatorKeys {

    /** Prefix of every operator key, distinct from device tokens ({@code fst_}) so a leaked one is recognised. */
    public static final String PREFIX = "fsk_";

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private OperatorKeys() {}

    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
