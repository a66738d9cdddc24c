package io.fleetstream.processor.streams;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key of a window in {@link StoreNames#OPEN_WINDOWS} and {@link StoreNames#CORRECTABLE_WINDOWS}: the device id, a 0x00
 * separator (device ids cannot contain it), the 8-byte windowEnd with its sign bit flipped (so that unsigned byte order
 * equals numeric order), then the 8-byte window size. A prefix scan over one device therefore visits its windows in
 * windowEnd order, which is the order in which they close.
 *
 * @param deviceId device the window belongs to
 * @param windowEndMillis exclusive end of the window
 * @param sizeMillis window size
 */
record WindowKey(String deviceId, long windowEndMillis, long sizeMillis) {

    long windowStartMillis() {
        return windowEndMillis - sizeMillis;
    }

    Bytes toBytes() {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(device.length + 17)
                .put(device)
                .put((byte) 0)
                .putLong(windowEndMillis ^ Long.MIN_VALUE)
                .putLong(sizeMillis)
                .array());
    }

    /** The common prefix of every window key of one device. */
    static Bytes devicePrefix(String deviceId) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(device.length + 1).put(device).put((byte) 0).array());
    }

    static WindowKey fromBytes(Bytes bytes) {
        byte[] key = bytes.get();
        int separator = key.length - 17;
        ByteBuffer buffer = ByteBuffer.wrap(key, separator + 1, 16);
        long end = buffer.getLong() ^ Long.MIN_VALUE;
        long size = buffer.getLong();
        return new WindowKey(new String(key, 0, separator, StandardCharsets.UTF_8), end, size);
    }
}
