package io.fleetstream.gateway.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One validated reading, ready to be written.
 *
 * @param ts event time, millisecond precision; the receipt time when the device sent none
 * @param messageId client idempotency key, or null
 * @param metrics metric name to finite value, in the order the device sent them
 * @param attributes string attributes, possibly empty
 */
public record Reading(Instant ts, String messageId, Map<String, Double> metrics, Map<String, String> attributes) {}
