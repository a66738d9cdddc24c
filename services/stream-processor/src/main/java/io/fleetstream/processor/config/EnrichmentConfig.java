package io.fleetstream.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Enrichment of readings with their device record. */
@ConfigMapping(prefix = "fleetstream.enrichment")
public interface EnrichmentConfig {

    /**
     * How long (wall clock) a reading whose device record has not arrived yet is kept waiting for it; after that it is
     * dead-lettered with reason "unknown device".
     */
    @WithDefault("10m")
    Duration pendingTimeout();
}
