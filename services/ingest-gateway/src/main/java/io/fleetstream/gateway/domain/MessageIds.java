package io.fleetstream.gateway.domain;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

    /** Proof of ownership of one id, to be settled exactly once by {@link #written} or {@link #failed}. */
    public static final class Ticket {
        private final DeviceIds device;
        private final String messageId;
        private final Slot slot;

        private Ticket(DeviceIds device, String messageId, Slot slot) {
            this.device = device;
            this.messageId = messageId;
            this.slot = slot;
        }
    }

    /** Claims {@code messageId} of {@code deviceId} at {@code nowNanos}. */
    public Claim claim(String deviceId, String messageId, long nowNanos) {
        while (true) {
            DeviceIds device = devices.computeIfAbsent(deviceId, id -> new DeviceIds());
            synchronized (device) {
                if (device.retired) {
                    continue; // swept between the lookup and the lock; claim in its successor
                }
                Slot existing = device.slots.get(messageId);
                if (existing != null) {
                    if (!existing.acknowledged) {
                        return new InFlight(existing.awaited());
                    }
                    if (existing.expiresAtNanos - nowNanos > 0) {
                        return new Duplicate();
                    }
                    remove(device, messageId);
                }
                if (device.slots.size() >= maxPerDevice && !forgetOldestAcknowledged(device)) {
                    return new Untracked();
                }
                if (total.get() >= maxTotal && !forgetOldestAcknowledged(device)) {
                    return new Untracked();
                }
                Slot slot = new Slot();
                device.slots.put(messageId, slot);
                total.incrementAndGet();
                return new Owned(new Ticket(device, messageId, slot));
            }
        }
    }

    /** Kafka acknowledged the ticket's reading: remember the id for the time-to-live and tell any waiting request. */
    public void written(Ticket ticket, long nowNanos) {
        CompletableFuture<Boolean> waited;
        synchronized (ticket.device) {
            ticket.slot.acknowledged = true;
            ticket.slot.expiresAtNanos = nowNanos + ttlNanos;
            waited = ticket.slot.outcome;
        }
        if (waited != null) {
            waited.complete(true);
        }
    }

    /** Writing the ticket's reading failed: forget the id, so that a retry (or a waiting request) can write it. */
    public void failed(Ticket ticket) {
        CompletableFuture<Boolean> waited;
        synchronized (ticket.device) {
            if (ticket.device.slots.get(ticket.messageId) == ticket.slot) {
                remove(ticket.device, ticket.messageId);
            }
            waited = ticket.slot.outcome;
        }
        if (waited != null) {
            waited.complete(false);
        }
    }

    /** Forgets the acknowledged ids whose time-to-live has passed and the devices left without ids. */
    public void sweep(long nowNanos) {
        devices.forEach((deviceId, device) -> {
            synchronized (device) {
                Iterator<Slot> slots = device.slots.values().iterator();
                while (slots.hasNext()) {
                    Slot slot = slots.next();
                    if (slot.acknowledged && slot.expiresAtNanos - nowNanos <= 0) {
                        slots.remove();
                        total.decrementAndGet();
                    }
                }
                if (device.slots.isEmpty()) {
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
        Iterator<Slot> slots = device.slots.values().iterator();
        while (slots.hasNext()) {
            if (slots.next().acknowledged) {
                slots.remove();
                total.decrementAndGet();
                return true;
            }
        }
        return false;
    }

    private void remove(DeviceIds device, String messageId) {
        if (device.slots.remove(messageId) != null) {
            total.decrementAndGet();
        }
    }

    /** The ids of one device, in the order they were claimed; guarded by the object's monitor. */
    private static final class DeviceIds {
        private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>();
        private boolean retired;
    }

    /**
     * One id, guarded by its device's monitor. The outcome future exists only once another request waits for it: at
     * hundreds of thousands of remembered ids, one per id was a sixth of this memory and of its garbage collection.
     */
    private static final class Slot {
        private CompletableFuture<Boolean> outcome;
        private boolean acknowledged;
        private long expiresAtNanos;

        /** The outcome a waiting request hears; called under the device's monitor while the slot is in flight. */
        private CompletableFuture<Boolean> awaited() {
            if (outcome == null) {
                outcome = new CompletableFuture<>();
            }
            return outcome;
        }
    }
}
