package io.fleetstream.query.domain;

import java.time.Instant;

/** Validated filters of the alert list; null means "any". {@code open} is null, true (open) or false (cleared). */
public record AlertFilter(
        String deviceId, String ruleId, String severity, Boolean open, Instant raisedFrom, Instant raisedTo) {}
