package io.fleetstream.processor.streams;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key of an open window in {@link StoreNames#WINDOWS}: 8-byte windowEnd (sign bit flipped, so that unsigned byte order
 * equals numeric order), 8-byte window size, then the device id. A store scan therefore visits windows in windowEnd
 * order, which is the order in which they are closed.
 *
 * @param windowEndMillis exclusive end of the window
 * @param sizeMillis window size
 * @param deviceId device the window belongs to
 */
record WindowKey(long windowEndMillis, long sizeMillis, String deviceId) {

    Bytes toBytes() {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(16 + device.length)
                .putLong(windowEndMillis ^ Long.MIN_VALUE)
                .putLong(sizeMillis)
                .put(device)
                .array());
    }

    long windowStartMillis() {
        return windowEndMillis - sizeMillis;
    }

    static WindowKey fromBytes(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        long end = buffer.getLong() ^ Long.MIN_VALUE;
        long size = buffer.getLong();
        byte[] device = new byte[buffer.remaining()];
        buffer.get(device);
        return new WindowKey(end, size, new String(device, StandardCharsets.UTF_8));
    }
}
