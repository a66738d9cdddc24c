package io.fleetstream.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** Limits on the alert rules operators may create. */
@ConfigMapping(prefix = "fleetstream.rules")
public interface RuleSettings {

    /**
     * Window sizes a rule may name, as labels such as {@code 1m} or {@code 1h}. A rule only fires when the stream
     * processor computes aggregates of its window size.
     */
    @WithDefault("1m,5m,15m,1h")
    List<String> windowSizes();
}
