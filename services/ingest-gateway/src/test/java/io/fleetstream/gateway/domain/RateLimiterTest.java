package io.fleetstream.gateway.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;

    @Test
    void grantsTheBurstAtOnceThenRefillsAtTheRate() {
        RateLimiter limiter = new RateLimiter(10, 50);

        assertThat(limiter.tryAcquire("d1", 50, T0)).isZero();
        assertThat(limiter.tryAcquire("d1", 1, T0)).isEqualTo(SECOND / 10);
        assertThat(limiter.tryAcquire("d1", 10, T0 + SECOND)).isZero();
        assertThat(limiter.tryAcquire("d1", 1, T0 + SECOND)).isEqualTo(SECOND / 10);
    }

    @Test
    void saysHowLongUntilEnoughTokensAndTakesNothingWhenRefusing() {
        RateLimiter limiter = new RateLimiter(10, 50);
        limiter.tryAcquire("d1", 45, T0);

        assertThat(limiter.tryAcquire("d1", 25, T0)).isEqualTo(2 * SECOND);
        assertThat(limiter.tryAcquire("d1", 5, T0)).isZero();
    }

    @Test
    void keepsDevicesApart() {
        RateLimiter limiter = new RateLimiter(10, 50);
        limiter.tryAcquire("d1", 50, T0);

        assertThat(limiter.tryAcquire("d2", 50, T0)).isZero();
    }

    @Test
    void refusesForeverARequestLargerThanTheBurst() {
        assertThat(new RateLimiter(10, 50).tryAcquire("d1", 51, T0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void grantsEverythingWhenTheRateIsZero() {
        RateLimiter limiter = new RateLimiter(0, 0);

        assertThat(limiter.enabled()).isFalse();
        assertThat(limiter.tryAcquire("d1", 1_000_000, T0)).isZero();
        assertThat(limiter.size()).isZero();
    }

    @Test
    void dropsOnlyBucketsThatAreFullAgain() {
        RateLimiter limiter = new RateLimiter(10, 50);
        limiter.tryAcquire("d1", 50, T0);
        limiter.tryAcquire("d2", 10, T0);

        assertThat(limiter.sweep(T0 + 2 * SECOND)).isEqualTo(1);
        assertThat(limiter.sweep(T0 + 5 * SECOND)).isZero();
        assertThat(limiter.tryAcquire("d1", 50, T0 + 5 * SECOND)).isZero();
    }

    @Test
    void rejectsANegativeRate() {
        assertThatThrownBy(() -> new RateLimiter(-1, 5)).hasMessageContaining("readings-per-second");
    }
}
