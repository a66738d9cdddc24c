package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;

    private final MessageIds ids = new MessageIds(Duration.ofSeconds(60), 3, 5);

    private MessageIds.Ticket own(String device, String id, long now) {
        MessageIds.Claim claim = ids.claim(device, id, now);
        assertThat(claim).isInstanceOf(MessageIds.Owned.class);
        return ((MessageIds.Owned) claim).ticket();
    }

    @Test
    void reportsAWrittenIdAsDuplicateUntilItsTimeToLivePasses() {
        ids.written(own("d1", "m1", T0), T0);

        assertThat(ids.claim("d1", "m1", T0 + 59 * SECOND)).isInstanceOf(MessageIds.Duplicate.class);
        assertThat(ids.claim("d1", "m1", T0 + 60 * SECOND)).isInstanceOf(MessageIds.Owned.class);
    }

    @Test
    void scopesIdsByDevice() {
        ids.written(own("d1", "m1", T0), T0);

        assertThat(ids.claim("d2", "m1", T0)).isInstanceOf(MessageIds.Owned.class);
    }

    @Test
    void makesASecondClaimWaitForTheFirstAndSeeItsSuccess() {
        MessageIds.Ticket first = own("d1", "m1", T0);

        MessageIds.Claim second = ids.claim("d1", "m1", T0);
        assertThat(second).isInstanceOf(MessageIds.InFlight.class);
        CompletableFuture<Boolean> outcome =
                ((MessageIds.InFlight) second).outcome().toCompletableFuture();
        assertThat(outcome).isNotDone();

        ids.written(first, T0);
        assertThat(outcome).isCompletedWithValue(true);
    }

    @Test
    void releasesTheIdWhenTheWriteFails() {
        MessageIds.Ticket first = own("d1", "m1", T0);
        CompletableFuture<Boolean> waiting =
                ((MessageIds.InFlight) ids.claim("d1", "m1", T0)).outcome().toCompletableFuture();

        ids.failed(first);

        assertThat(waiting).isCompletedWithValue(false);
        assertThat(ids.claim("d1", "m1", T0)).isInstanceOf(MessageIds.Owned.class);
        assertThat(ids.size()).isEqualTo(1);
    }

    @Test
    void forgetsTheDevicesOldestWrittenIdBeyondItsLimit() {
        for (String id : new String[] {"m1", "m2", "m3"}) {
            ids.written(own("d1", id, T0), T0);
        }

        ids.written(own("d1", "m4", T0), T0);

        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.claim("d1", "m2", T0)).isInstanceOf(MessageIds.Duplicate.class);
        assertThat(ids.claim("d1", "m1", T0)).isInstanceOf(MessageIds.Owned.class);
    }

    @Test
    void neverForgetsAnIdBeingWrittenAndStopsRememberingWhenFull() {
        own("d1", "m1", T0);
        own("d1", "m2", T0);
        own("d1", "m3", T0);

        assertThat(ids.claim("d1", "m4", T0)).isInstanceOf(MessageIds.Untracked.class);
        assertThat(ids.claim("d1", "m1", T0)).isInstanceOf(MessageIds.InFlight.class);
    }

    @Test
    void keepsTheTotalWithinItsLimit() {
        ids.written(own("d1", "m1", T0), T0);
        ids.written(own("d1", "m2", T0), T0);
        ids.written(own("d2", "m1", T0), T0);
        ids.written(own("d2", "m2", T0), T0);
        ids.written(own("d3", "m1", T0), T0);

        ids.written(own("d3", "m2", T0), T0);
        assertThat(ids.size()).isEqualTo(5);
        assertThat(ids.claim("d3", "m1", T0)).isInstanceOf(MessageIds.Owned.class);
    }

    @Test
    void sweepsExpiredIdsAndEmptyDevices() {
        ids.written(own("d1", "m1", T0), T0);
        ids.written(own("d2", "m1", T0 + 30 * SECOND), T0 + 30 * SECOND);

        ids.sweep(T0 + 61 * SECOND);

        assertThat(ids.size()).isEqualTo(1);
        assertThat(ids.claim("d2", "m1", T0 + 61 * SECOND)).isInstanceOf(MessageIds.Duplicate.class);
    }

    @Test
    void agreesWithAPlainModelOfItsRulesOverManyRandomOperations() {
        // Two devices that grow well past the initial table size, ids that come back, writes that fail and sweeps:
        // every answer must be what a map of strings in claim order gives under the same rules.
        MessageIds compact = new MessageIds(Duration.ofSeconds(60), 300, 500);
        ReferenceIds reference = new ReferenceIds(60 * SECOND, 300, 500);
        Random random = new Random(20261204L);
        List<Object[]> open = new ArrayList<>(); // {device, id, ticket}
        long now = T0;
        for (int step = 0; step < 200_000; step++) {
            now += random.nextInt(2) * SECOND / 10;
            int action = random.nextInt(10);
            if (action < 6 || open.isEmpty()) {
                String device = "d" + random.nextInt(3);
                String id = "m" + random.nextInt(700);
                MessageIds.Claim claim = compact.claim(device, id, now);
                String expected = reference.claim(device, id, now);
                assertThat(claim.getClass().getSimpleName())
                        .as("step %d: %s/%s", step, device, id)
                        .isEqualTo(expected);
                if (claim instanceof MessageIds.Owned owned) {
                    open.add(new Object[] {device, id, owned.ticket()});
                }
            } else if (action < 9) {
                Object[] settled = open.remove(random.nextInt(open.size()));
                compact.written((MessageIds.Ticket) settled[2], now);
                reference.written((String) settled[0], (String) settled[1], now);
            } else if (random.nextInt(20) == 0) {
                compact.sweep(now);
                reference.sweep(now);
            } else {
                Object[] settled = open.remove(random.nextInt(open.size()));
                compact.failed((MessageIds.Ticket) settled[2]);
                reference.failed((String) settled[0], (String) settled[1]);
            }
            assertThat(compact.size()).as("step %d", step).isEqualTo(reference.size());
        }
    }

    /** The rules of {@link MessageIds} written the obvious way: strings in a map per device, in claim order. */
    private static final class ReferenceIds {
        private final long ttl;
        private final int maxPerDevice;
        private final int maxTotal;
        private final Map<String, LinkedHashMap<String, Long>> devices = new HashMap<>(); // expiry, null = in flight
        private int total;

        ReferenceIds(long ttl, int maxPerDevice, int maxTotal) {
            this.ttl = ttl;
            this.maxPerDevice = maxPerDevice;
            this.maxTotal = maxTotal;
        }

        String claim(String device, String id, long now) {
            LinkedHashMap<String, Long> ids = devices.computeIfAbsent(device, d -> new LinkedHashMap<>());
            if (ids.containsKey(id)) {
                Long expiry = ids.get(id);
                if (expiry == null) {
                    return "InFlight";
                }
                if (expiry - now > 0) {
                    return "Duplicate";
                }
                ids.remove(id);
                total--;
            }
            if (ids.size() >= maxPerDevice && !forgetOldest(ids)) {
                return "Untracked";
            }
            if (total >= maxTotal && !forgetOldest(ids)) {
                return "Untracked";
            }
            ids.put(id, null);
            total++;
            return "Owned";
        }

        void written(String device, String id, long now) {
            devices.get(device).put(id, now + ttl);
        }

        void failed(String device, String id) {
            devices.get(device).remove(id);
            total--;
        }

        void sweep(long now) {
            for (LinkedHashMap<String, Long> ids : devices.values()) {
                int before = ids.size();
                ids.values().removeIf(expiry -> expiry != null && expiry - now <= 0);
                total -= before - ids.size();
            }
        }

        int size() {
            return total;
        }

        private boolean forgetOldest(LinkedHashMap<String, Long> ids) {
            for (Map.Entry<String, Long> entry : ids.entrySet()) {
                if (entry.getValue() != null) {
                    ids.remove(entry.getKey());
                    total--;
                    return true;
                }
            }
            return false;
        }
    }
}
