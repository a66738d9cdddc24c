package io.fleetstream.gateway.http;

import io.fleetstream.gateway.domain.MessageIds;
import io.fleetstream.gateway.domain.RateLimiter;
import io.fleetstream.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Gauge;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Frees, off the request path, what the per-device memories no longer need: rate-limit buckets that are full again
 * and {@code messageId}s past their time-to-live.
 */
@ApplicationScoped
public class MemorySweeper {

    private static final long INTERVAL_SECONDS = 5;

    private final RateLimiter rateLimiter;
    private final MessageIds messageIds;
    private final ScheduledExecutorService scheduler;

    public MemorySweeper(RateLimiter rateLimiter, MessageIds messageIds, GatewayMetrics metrics) {
        this.rateLimiter = rateLimiter;
        this.messageIds = messageIds;
        Gauge.builder(GatewayMetrics.IDEMPOTENCY_IDS, messageIds, MessageIds::size)
                .description("messageIds remembered or being written")
                .register(metrics.registry());
        Gauge.builder(GatewayMetrics.RATE_LIMITED_DEVICES, rateLimiter, RateLimiter::size)
                .description("Devices whose rate-limit bucket is not full")
                .register(metrics.registry());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gateway-memory-sweeper");
            thread.setDaemon(true);
            return thread;
        });
    }

    void onStart(@Observes StartupEvent event) {
        scheduler.scheduleWithFixedDelay(this::sweep, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            rateLimiter.sweep(now);
            messageIds.sweep(now);
        } catch (RuntimeException e) {
            // A failed sweep only delays freeing memory; the next one tries again.
            Log.warnf("memory sweep failed (%s); rate-limit buckets and messageIds are freed later", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
