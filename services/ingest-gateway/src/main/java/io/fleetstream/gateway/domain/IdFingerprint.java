package io.fleetstream.gateway.domain;

/**
 * A 128-bit fingerprint of a {@code messageId}, what {@link MessageIds} remembers instead of the string.
 *
 * <p>The mixing is that of MurmurHash3's x64 128-bit variant, fed with the string's UTF-16 code units (four to a
 * 64-bit lane) and its length, so equal strings always agree and strings of different lengths start apart. It is not
 * a cryptographic hash: someone who wants two ids to collide can find such a pair, which is why {@link MessageIds}
 * keeps one set per device.
 */
public record IdFingerprint(long high, long low) {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    /** The fingerprint of {@code id}. */
    public static IdFingerprint of(String id) {
        int length = id.length();
        long h1 = 0;
        long h2 = 0;
        int index = 0;
        for (; index + 8 <= length; index += 8) {
            h1 ^= mixFirst(lane(id, index, 4));
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixSecond(lane(id, index + 4, 4));
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int rest = length - index;
        if (rest > 4) {
            h2 ^= mixSecond(lane(id, index + 4, rest - 4));
        }
        if (rest > 0) {
            h1 ^= mixFirst(lane(id, index, Math.min(rest, 4)));
        }
        long bytes = 2L * length;
        h1 ^= bytes;
        h2 ^= bytes;
        h1 += h2;
        h2 += h1;
        h1 = finish(h1);
        h2 = finish(h2);
        h1 += h2;
        h2 += h1;
        return new IdFingerprint(h1, h2);
    }

    /** Up to four code units from {@code from}, the first in the lowest bits. */
    private static long lane(String id, int from, int units) {
        long lane = 0;
        for (int i = units - 1; i >= 0; i--) {
            lane = (lane << 16) | id.charAt(from + i);
        }
        return lane;
    }

    private static long mixFirst(long k) {
        return Long.rotateLeft(k * C1, 31) * C2;
    }

    private static long mixSecond(long k) {
        return Long.rotateLeft(k * C2, 33) * C1;
    }

    private static long finish(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
