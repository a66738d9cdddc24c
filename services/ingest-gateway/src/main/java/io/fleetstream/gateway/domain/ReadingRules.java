package io.fleetstream.gateway.domain;

import io.fleetstream.gateway.config.IngestConfig;

import java.time.Duration;

/**
 * The limits a reading is checked against.
 *
 * @param maxFutureSkew how far ahead of the receipt time {@code ts} may be
 * @param maxAge how far behind the receipt time {@code ts} may be
 * @param maxReadingsPerRequest most readings in one request
 * @param maxMetricsPerReading most metrics in one reading
 */
public record ReadingRules(
        Duration maxFutureSkew, Duration maxAge, int maxReadingsPerRequest, int maxMetricsPerReading) {

    /** Longest accepted {@code messageId}, in characters. */
    public static final int MAX_MESSAGE_ID_LENGTH = 128;

    /** Longest accepted metric name, in characters. */
    public static final int MAX_METRIC_NAME_LENGTH = 64;

    /** The rules configured for the gateway. */
    public static ReadingRules from(IngestConfig config) {
        return new ReadingRules(
                config.maxFutureSkew(), config.maxAge(), config.maxReadingsPerRequest(), config.maxMetricsPerReading());
    }
}
