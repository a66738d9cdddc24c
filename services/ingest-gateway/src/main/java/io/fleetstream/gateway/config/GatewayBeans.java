package io.fleetstream.gateway.config;

import io.fleetstream.gateway.domain.MessageIds;
import io.fleetstream.gateway.domain.RateLimiter;
import io.fleetstream.gateway.domain.ReadingParser;
import io.fleetstream.gateway.domain.ReadingRules;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Plain objects the gateway's beans are built from. */
public class GatewayBeans {

    /** The wall clock: receipt times, credential expiry. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The body parser, with the configured limits. */
    @Produces
    @Singleton
    ReadingParser readingParser(IngestConfig config) {
        return new ReadingParser(ReadingRules.from(config));
    }

    /** The per-device rate limit. */
    @Produces
    @Singleton
    RateLimiter rateLimiter(IngestConfig config) {
        IngestConfig.RateLimit limit = config.rateLimit();
        return new RateLimiter(limit.readingsPerSecond(), limit.burst());
    }

    /** The memory of acknowledged messageIds. */
    @Produces
    @Singleton
    MessageIds messageIds(IngestConfig config) {
        IngestConfig.Idempotency idempotency = config.idempotency();
        return new MessageIds(idempotency.ttl(), idempotency.maxIdsPerDevice(), idempotency.maxIds());
    }
}
