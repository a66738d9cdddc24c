package io.fleetstream.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Duplicate detection of readings (by device and message id) and of metric values (by device, metric and ts). */
@ConfigMapping(prefix = "fleetstream.deduplication")
public interface DeduplicationConfig {

    /**
     * How far behind the newest reading timestamp of a partition message ids and metric values are remembered. A value
     * below the largest window size + grace + correction horizon is raised to that (with a warning), so that a retry
     * can never change an aggregate. A retry of something older than this is not recognised: it is forwarded to the
     * enriched topic again.
     */
    @WithDefault("24h")
    Duration retention();
}
