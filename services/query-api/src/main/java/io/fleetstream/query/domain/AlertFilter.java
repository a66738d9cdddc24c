package io.fleetstream.query.domain;

import java.time.Instant;
import java.util.Set;

/**
 * Validated filters of the alert list; null means "any". {@code states} holds {@code open}, {@code acknowledged} and
 * {@code cleared}; empty means every state.
 */
public record AlertFilter(
        String deviceId, String ruleId, String severity, Set<String> states, Instant raisedFrom, Instant raisedTo) {}
