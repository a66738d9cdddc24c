package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
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
}
