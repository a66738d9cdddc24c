package io.fleetstream.gateway.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code messageId}s of one gateway instance: those being written right now and those Kafka acknowledged within
 * the time-to-live. A request {@linkplain #claim claims} each id before writing its reading; only one request at a
 * time can own an id, so two concurrent requests with the same id never both write it.
 *
 * <p>Memory is bounded three ways: an acknowledged id is forgotten after the time-to-live, a device keeps at most
 * {@code maxPerDevice} ids (its oldest acknowledged ones go first), and all devices together keep at most
 * {@code maxTotal} (the claiming device gives up its own oldest acknowledged id; if it has none, the new id is
 * written without being remembered). Ids being written are never forgotten. Everything is lost on restart.
 *
 * <p>An id is remembered as a 128-bit {@link IdFingerprint} in primitive arrays, one set per device, not as the string
 * itself. At hundreds of thousands of remembered ids, a map of strings and entry objects kept every id alive through
 * several young collections: the ingestion benchmark measured it at a third of the gateway's CPU per batched reading,
 * most of it garbage collection. The price is that two different ids of one device with the same fingerprint would
 * count as one: for 10,000 ids of a device the chance is about 10<sup>-31</sup>. A device that crafts colliding ids
 * can only have its own readings counted as duplicates.
 *
 * <p>Thread-safe; times are {@link System#nanoTime()} values passed in by the caller.
 */
public final class MessageIds {

    private final long ttlNanos;
    private final int maxPerDevice;
    private final int maxTotal;
    private final Map<String, DeviceIds> devices = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    public MessageIds(Duration ttl, int maxPerDevice, int maxTotal) {
        if (ttl.isNegative() || maxPerDevice < 0 || maxTotal < 0) {
            throw new IllegalArgumentException("fleetstream.ingest.idempotency needs a ttl and limits >= 0");
        }
        this.ttlNanos = ttl.toNanos();
        this.maxPerDevice = maxPerDevice;
        this.maxTotal = maxTotal;
    }

    /** What a request may do with one of its readings' {@code messageId}. */
    public sealed interface Claim {}

    /** The request owns the id: it writes the reading and reports the outcome through the ticket. */
    public record Owned(Ticket ticket) implements Claim {}

    /** Kafka acknowledged a reading with this id within the time-to-live: do not write it again. */
    public record Duplicate() implements Claim {}

    /**
     * Another request is writing a reading with this id; {@code outcome} completes with true once it is acknowledged
     * (this one is then a duplicate) or false if that write failed (claim again).
     */
    public record InFlight(CompletionStage<Boolean> outcome) implements Claim {}

    /** The memory is full: write the reading without remembering its id. */
    public record Untracked() implements Claim {}

    private static final Duplicate DUPLICATE = new Duplicate();
    private static final Untracked UNTRACKED = new Untracked();

    /** Proof of ownership of one id, to be settled exactly once by {@link #written} or {@link #failed}. */
    public static final class Ticket {
        private final DeviceIds device;
        private final int entry;

        private Ticket(DeviceIds device, int entry) {
            this.device = device;
            this.entry = entry;
        }
    }

    /** Claims {@code messageId} of {@code deviceId} at {@code nowNanos}. */
    public Claim claim(String deviceId, String messageId, long nowNanos) {
        IdFingerprint fingerprint = IdFingerprint.of(messageId);
        while (true) {
            DeviceIds device = devices.computeIfAbsent(deviceId, id -> new DeviceIds());
            synchronized (device) {
                if (device.retired) {
                    continue; // swept between the lookup and the lock; claim in its successor
                }
                int existing = device.find(fingerprint.high(), fingerprint.low());
                if (existing >= 0) {
                    if (device.state[existing] == IN_FLIGHT) {
                        return new InFlight(device.awaited(existing));
                    }
                    if (device.expires[existing] - nowNanos > 0) {
                        return DUPLICATE;
                    }
                    device.remove(existing);
                    total.decrementAndGet();
                }
                if (device.count >= maxPerDevice && !forgetOldestAcknowledged(device)) {
                    return UNTRACKED;
                }
                if (total.get() >= maxTotal && !forgetOldestAcknowledged(device)) {
                    return UNTRACKED;
                }
                int entry = device.add(fingerprint.high(), fingerprint.low());
                total.incrementAndGet();
                return new Owned(new Ticket(device, entry));
            }
        }
    }

    /** Kafka acknowledged the ticket's reading: remember the id for the time-to-live and tell any waiting request. */
    public void written(Ticket ticket, long nowNanos) {
        CompletableFuture<Boolean> waited;
        DeviceIds device = ticket.device;
        synchronized (device) {
            device.state[ticket.entry] = ACKNOWLEDGED;
            device.expires[ticket.entry] = nowNanos + ttlNanos;
            waited = device.waiterOf(ticket.entry);
        }
        if (waited != null) {
            waited.complete(true);
        }
    }

    /** Writing the ticket's reading failed: forget the id, so that a retry (or a waiting request) can write it. */
    public void failed(Ticket ticket) {
        CompletableFuture<Boolean> waited;
        DeviceIds device = ticket.device;
        synchronized (device) {
            waited = device.waiterOf(ticket.entry);
            if (device.state[ticket.entry] == IN_FLIGHT) {
                device.remove(ticket.entry);
                total.decrementAndGet();
            }
        }
        if (waited != null) {
            waited.complete(false);
        }
    }

    /** Forgets the acknowledged ids whose time-to-live has passed and the devices left without ids. */
    public void sweep(long nowNanos) {
        devices.forEach((deviceId, device) -> {
            synchronized (device) {
                int entry = device.oldest;
                while (entry >= 0) {
                    int next = device.newer[entry];
                    if (device.state[entry] == ACKNOWLEDGED && device.expires[entry] - nowNanos <= 0) {
                        device.remove(entry);
                        total.decrementAndGet();
                    }
                    entry = next;
                }
                if (device.count == 0) {
                    device.retired = true;
                    devices.remove(deviceId, device);
                }
            }
        });
    }

    /** How many ids are remembered or being written, over all devices. */
    public int size() {
        return total.get();
    }

    private boolean forgetOldestAcknowledged(DeviceIds device) {
        for (int entry = device.oldest; entry >= 0; entry = device.newer[entry]) {
            if (device.state[entry] == ACKNOWLEDGED) {
                device.remove(entry);
                total.decrementAndGet();
                return true;
            }
        }
        return false;
    }

    private static final byte FREE = 0;
    private static final byte IN_FLIGHT = 1;
    private static final byte ACKNOWLEDGED = 2;
    private static final int NONE = -1;
    private static final int INITIAL_CAPACITY = 16;

    /**
     * The ids of one device, guarded by the object's monitor: a hash set of fingerprints chained through int indexes,
     * with the entries also linked in the order they were claimed. An entry keeps its index for as long as it exists,
     * which is what a {@link Ticket} refers to; a removed entry's index goes to a free list and is used again.
     */
    private static final class DeviceIds {
        private long[] high = new long[INITIAL_CAPACITY];
        private long[] low = new long[INITIAL_CAPACITY];
        private long[] expires = new long[INITIAL_CAPACITY];
        private byte[] state = new byte[INITIAL_CAPACITY];
        // next entry in the same bucket, or in the free list
        private int[] chain = new int[INITIAL_CAPACITY];
        private int[] older = new int[INITIAL_CAPACITY];
        private int[] newer = new int[INITIAL_CAPACITY];
        private int[] buckets = emptyBuckets(2 * INITIAL_CAPACITY);
        private int oldest = NONE;
        private int newest = NONE;
        private int free = NONE;
        private int used;
        private int count;
        private boolean retired;
        // Futures of ids in flight that another request waits for; rare, so made only when needed.
        private Map<Integer, CompletableFuture<Boolean>> waiters;

        int find(long fingerprintHigh, long fingerprintLow) {
            for (int entry = buckets[bucket(fingerprintLow)]; entry >= 0; entry = chain[entry]) {
                if (high[entry] == fingerprintHigh && low[entry] == fingerprintLow) {
                    return entry;
                }
            }
            return NONE;
        }

        /** Adds an id in flight as the newest entry and returns its index. */
        int add(long fingerprintHigh, long fingerprintLow) {
            int entry;
            if (free >= 0) {
                entry = free;
                free = chain[entry];
            } else {
                if (used == high.length) {
                    grow();
                }
                entry = used++;
            }
            high[entry] = fingerprintHigh;
            low[entry] = fingerprintLow;
            state[entry] = IN_FLIGHT;
            int bucket = bucket(fingerprintLow);
            chain[entry] = buckets[bucket];
            buckets[bucket] = entry;
            older[entry] = newest;
            newer[entry] = NONE;
            if (newest >= 0) {
                newer[newest] = entry;
            } else {
                oldest = entry;
            }
            newest = entry;
            count++;
            return entry;
        }

        void remove(int entry) {
            int bucket = bucket(low[entry]);
            if (buckets[bucket] == entry) {
                buckets[bucket] = chain[entry];
            } else {
                int before = buckets[bucket];
                while (chain[before] != entry) {
                    before = chain[before];
                }
                chain[before] = chain[entry];
            }
            if (older[entry] >= 0) {
                newer[older[entry]] = newer[entry];
            } else {
                oldest = newer[entry];
            }
            if (newer[entry] >= 0) {
                older[newer[entry]] = older[entry];
            } else {
                newest = older[entry];
            }
            state[entry] = FREE;
            chain[entry] = free;
            free = entry;
            count--;
        }

        CompletableFuture<Boolean> awaited(int entry) {
            if (waiters == null) {
                waiters = new HashMap<>();
            }
            return waiters.computeIfAbsent(entry, ignored -> new CompletableFuture<>());
        }

        CompletableFuture<Boolean> waiterOf(int entry) {
            return waiters == null ? null : waiters.remove(entry);
        }

        private int bucket(long fingerprintLow) {
            return (int) fingerprintLow & (buckets.length - 1);
        }

        private void grow() {
            int capacity = high.length * 2;
            high = Arrays.copyOf(high, capacity);
            low = Arrays.copyOf(low, capacity);
            expires = Arrays.copyOf(expires, capacity);
            state = Arrays.copyOf(state, capacity);
            chain = Arrays.copyOf(chain, capacity);
            older = Arrays.copyOf(older, capacity);
            newer = Arrays.copyOf(newer, capacity);
            buckets = emptyBuckets(2 * capacity);
            for (int entry = 0; entry < used; entry++) {
                if (state[entry] != FREE) {
                    int bucket = bucket(low[entry]);
                    chain[entry] = buckets[bucket];
                    buckets[bucket] = entry;
                }
            }
        }

        private static int[] emptyBuckets(int size) {
            int[] empty = new int[size];
            Arrays.fill(empty, NONE);
            return empty;
        }
    }
}
