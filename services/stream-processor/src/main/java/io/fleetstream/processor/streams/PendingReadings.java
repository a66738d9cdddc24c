package io.fleetstream.processor.streams;

import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readings of one task that wait for their device record. Keys are deviceId, 0x00, then the 8-byte big-endian
 * source offset, so the readings of one device are stored together in the order they were read (all of a device's
 * readings come from one partition, so offsets order them).
 */
final class PendingReadings {

    private final KeyValueStore<Bytes, byte[]> store;
    private final AtomicLong count;

    /**
     * @param store the task's pending store
     * @param count the task's live count, shared by every processor of the task that touches the store
     */
    PendingReadings(KeyValueStore<Bytes, byte[]> store, AtomicLong count) {
        this.store = store;
        this.count = count;
    }

    /** Recounts the store, after a restore or a rebalance. */
    void recount() {
        long entries = 0;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                entries++;
            }
        }
        count.set(entries);
    }

    long size() {
        return count.get();
    }

    void park(String deviceId, PendingReading reading) {
        Bytes key = key(deviceId, reading.offset());
        if (store.get(key) == null) {
            count.incrementAndGet();
        }
        store.put(key, reading.encode());
    }

    /** Removes and returns the device's pending readings, oldest first. */
    List<PendingReading> drain(String deviceId) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> found = store.prefixScan(prefix(deviceId), new BytesSerializer())) {
            found.forEachRemaining(entries::add);
        }
        List<PendingReading> readings = new ArrayList<>(entries.size());
        for (KeyValue<Bytes, byte[]> entry : entries) {
            store.delete(entry.key);
            count.decrementAndGet();
            readings.add(PendingReading.decode(entry.value));
        }
        return readings;
    }

    /** Removes and returns every reading parked at or before {@code parkedBeforeOrAtMillis}, in key order. */
    List<PendingReading> expire(long parkedBeforeOrAtMillis) {
        if (count.get() == 0) {
            return List.of();
        }
        List<KeyValue<Bytes, PendingReading>> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                PendingReading reading = PendingReading.decode(entry.value);
                if (reading.parkedAtMillis() <= parkedBeforeOrAtMillis) {
                    expired.add(KeyValue.pair(entry.key, reading));
                }
            }
        }
        List<PendingReading> readings = new ArrayList<>(expired.size());
        for (KeyValue<Bytes, PendingReading> entry : expired) {
            store.delete(entry.key);
            count.decrementAndGet();
            readings.add(entry.value);
        }
        return readings;
    }

    private static Bytes prefix(String deviceId) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(device.length + 1).put(device).put((byte) 0).array());
    }

    private static Bytes key(String deviceId, long offset) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(device.length + 9)
                .put(device)
                .put((byte) 0)
                .putLong(offset)
                .array());
    }
}
