package io.fleetstream.processor.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A raw reading parked until its device record arrives: the original key and value bytes (so that it can still be
 * dead-lettered untouched), where it was read from, and when it was parked.
 *
 * @param parkedAtMillis wall-clock time it was parked
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param key original key bytes
 * @param value original value bytes
 */
record PendingReading(long parkedAtMillis, String topic, int partition, long offset, byte[] key, byte[] value) {

    private static final byte FORMAT = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + key.length + value.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(parkedAtMillis);
            BinaryStrings.write(out, topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PendingReading decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown pending reading format " + format);
            }
            long parkedAt = in.readLong();
            String topic = BinaryStrings.read(in);
            int partition = in.readInt();
            long offset = in.readLong();
            byte[] key = in.readNBytes(in.readInt());
            byte[] value = in.readNBytes(in.readInt());
            return new PendingReading(parkedAt, topic, partition, offset, key, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
