package io.fleetstream.processor.streams;

import io.fleetstream.processor.streams.ProcessorMetrics.DuplicateKind;
import io.fleetstream.schema.TelemetryReading;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Remembers what a task has already accepted, so that a retried reading is never counted twice: a reading whose
 * (deviceId, messageId) was seen is dropped whole, and of the rest only the metric values whose (deviceId, metric, ts)
 * were not seen go on. What is remembered is forgotten once it falls behind the newest ts of the task by the retention
 * ({@link ProcessorSettings#dedupRetention()}); a reading older than that is forwarded and not remembered.
 *
 * <p>The memory is one key-value store ({@link StoreNames#DEDUP_SEEN}) with three kinds of keys, ordered so that what
 * expires first comes first:
 *
 * <ul>
 *   <li>{@code 0x00, bucket, 0x02, deviceId length, deviceId, ts}: the metric names seen for (device, ts), joined by a
 *       line feed (metric names cannot contain one). One entry per (device, ts), however many metrics;
 *   <li>{@code 0x00, bucket, 0x01, deviceId length, deviceId, messageId}: the expiry entry of a message id;
 *   <li>{@code 0x01, deviceId length, deviceId, messageId}: the message id itself, found without knowing its ts (a
 *       retry of a reading sent without ts carries another receipt time as its ts).
 * </ul>
 *
 * <p>{@code bucket} is the start of the ts's slice of {@value #BUCKETS_PER_RETENTION}ths of the retention, sign bit
 * flipped so that bytes sort as numbers. Once the newest ts passes a bucket's end by the retention, every key of the
 * bucket is deleted in one range scan. This replaced two window stores: their segments, each a RocksDB instance
 * spanning half the retention, were opened and deleted hundreds of times per replayed year, which took most of the
 * stream thread's time when history was replayed quickly.
 */
final class Deduplication {

    private static final Logger LOG = Logger.getLogger(Deduplication.class);

    static final int BUCKETS_PER_RETENTION = 16;
    private static final byte EXPIRING = 0x00;
    private static final byte MESSAGE_ID = 0x01;
    private static final byte METRIC_NAMES = 0x02;
    private static final byte[] REMEMBERED = {1};
    private static final String NAME_SEPARATOR = "\n";
    // Expired keys are deleted in chunks, the range read again after each, so the scan never sees its own deletions.
    private static final int DELETE_CHUNK = 10_000;

    private final KeyValueStore<Bytes, byte[]> seen;
    private final ProcessorMetrics metrics;
    private final long retention;
    private final long bucketSize;
    private long newestTs = Long.MIN_VALUE;
    private long expiredBefore = Long.MIN_VALUE;

    Deduplication(ProcessorContext<?, ?> context, ProcessorMetrics metrics, Duration retention) {
        this.seen = context.getStateStore(StoreNames.DEDUP_SEEN);
        this.metrics = metrics;
        this.retention = retention.toMillis();
        this.bucketSize = bucketSize(retention);
    }

    /**
     * Records the reading as seen and returns it restricted to the metric values not seen before, or null when nothing
     * of it is new.
     */
    TelemetryReading admit(TelemetryReading reading) {
        String deviceId = reading.getDeviceId();
        long ts = reading.getTs().toEpochMilli();
        if (ts > newestTs) {
            newestTs = ts;
            expire();
        }
        boolean remember = ts >= newestTs - retention;
        String messageId = reading.getMessageId();
        if (messageId != null) {
            Bytes key = messageIdKey(deviceId, messageId);
            if (seen.get(key) != null) {
                metrics.duplicate(DuplicateKind.MESSAGE_ID, 1);
                LOG.debugf("dropped reading of device [%s]: message id [%s] was seen before", deviceId, messageId);
                return null;
            }
            if (remember) {
                seen.put(key, REMEMBERED);
                seen.put(expiryKey(ts, key), REMEMBERED);
            }
        }
        Bytes namesKey = metricNamesKey(deviceId, ts, bucketSize);
        Set<String> seenNames = names(seen.get(namesKey));
        Map<String, Double> fresh = new LinkedHashMap<>();
        for (Map.Entry<String, Double> metric : reading.getMetrics().entrySet()) {
            if (!seenNames.contains(metric.getKey())) {
                fresh.put(metric.getKey(), metric.getValue());
            }
        }
        if (!fresh.isEmpty() && remember) {
            Set<String> names = new TreeSet<>(seenNames);
            names.addAll(fresh.keySet());
            seen.put(namesKey, String.join(NAME_SEPARATOR, names).getBytes(StandardCharsets.UTF_8));
        }
        int duplicates = reading.getMetrics().size() - fresh.size();
        if (duplicates > 0) {
            metrics.duplicate(DuplicateKind.METRIC_VALUE, duplicates);
            LOG.debugf(
                    "dropped %d metric values of device [%s] at %s seen before", duplicates, deviceId, reading.getTs());
        }
        if (fresh.isEmpty()) {
            return null;
        }
        if (duplicates == 0) {
            return reading;
        }
        return TelemetryReading.newBuilder(reading).setMetrics(fresh).build();
    }

    /** Deletes every bucket that ended more than the retention before the newest ts. */
    private void expire() {
        long cutoff = bucketStart(newestTs - retention);
        if (cutoff <= expiredBefore) {
            return;
        }
        // From the previous cutoff on: everything before it is deleted already, and a scan from the very start would
        // step over all those deletions until RocksDB compacts them away, which made every expiry slower than the last.
        Bytes from = expiredBefore == Long.MIN_VALUE
                ? Bytes.wrap(new byte[] {EXPIRING})
                : Bytes.wrap(ByteBuffer.allocate(9)
                        .put(EXPIRING)
                        .putLong(sortable(expiredBefore))
                        .array());
        Bytes to = Bytes.wrap(
                ByteBuffer.allocate(9).put(EXPIRING).putLong(sortable(cutoff)).array());
        long deleted = 0;
        while (true) {
            List<Bytes> expired = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> keys = seen.range(from, to)) {
                while (keys.hasNext() && expired.size() < DELETE_CHUNK) {
                    KeyValue<Bytes, byte[]> entry = keys.next();
                    if (entry.key.compareTo(to) >= 0) {
                        break; // range() includes its upper bound; the cutoff bucket itself stays
                    }
                    expired.add(entry.key);
                }
            }
            for (Bytes key : expired) {
                seen.delete(key);
                if (key.get()[9] == MESSAGE_ID) {
                    seen.delete(Bytes.wrap(copyOfRange(key.get(), 9)));
                }
            }
            deleted += expired.size();
            if (expired.size() < DELETE_CHUNK) {
                break;
            }
            from = expired.get(expired.size() - 1);
        }
        expiredBefore = cutoff;
        if (deleted > 0) {
            LOG.debugf("forgot %d deduplication entries with ts before %d", deleted, cutoff);
        }
    }

    private long bucketStart(long ts) {
        return bucketStart(ts, bucketSize);
    }

    private static long bucketStart(long ts, long bucketSize) {
        return Math.floorDiv(ts, bucketSize) * bucketSize;
    }

    /** The span of ts that expires at once, in milliseconds. */
    static long bucketSize(Duration retention) {
        return Math.max(1, retention.toMillis() / BUCKETS_PER_RETENTION);
    }

    private Bytes expiryKey(long ts, Bytes key) {
        byte[] id = key.get();
        return Bytes.wrap(ByteBuffer.allocate(9 + id.length)
                .put(EXPIRING)
                .putLong(sortable(bucketStart(ts)))
                .put(id)
                .array());
    }

    /** The key under which the message ids of a device are found, whatever their ts. */
    static Bytes messageIdKey(String deviceId, String messageId) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(5 + device.length + id.length)
                .put(MESSAGE_ID)
                .putInt(device.length)
                .put(device)
                .put(id)
                .array());
    }

    /** The key of the metric names seen for (device, ts); it lies in the expiring range, in the bucket of ts. */
    static Bytes metricNamesKey(String deviceId, long ts, long bucketSize) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + 5 + device.length + 8)
                .put(EXPIRING)
                .putLong(sortable(bucketStart(ts, bucketSize)))
                .put(METRIC_NAMES)
                .putInt(device.length)
                .put(device)
                .putLong(ts)
                .array());
    }

    /** The metric names of a stored entry, or none. */
    static Set<String> names(byte[] stored) {
        return stored == null ? Set.of() : Set.of(new String(stored, StandardCharsets.UTF_8).split(NAME_SEPARATOR));
    }

    private static long sortable(long value) {
        return value ^ Long.MIN_VALUE;
    }

    private static byte[] copyOfRange(byte[] bytes, int from) {
        byte[] copy = new byte[bytes.length - from];
        System.arraycopy(bytes, from, copy, 0, copy.length);
        return copy;
    }
}
