package io.fleetstream.query.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the read API. */
@ConfigMapping(prefix = "fleetstream.query")
public interface QuerySettings {

    /** Retry-After sent with a 503 while the telemetry store is unreachable or not yet created by the sink. */
    @WithDefault("5s")
    Duration retryAfter();

    /** Longest time one database query may run before it is cancelled and answered with 503. */
    @WithDefault("30s")
    Duration statementTimeout();
}
