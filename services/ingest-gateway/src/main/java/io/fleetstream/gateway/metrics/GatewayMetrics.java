package io.fleetstream.gateway.metrics;

import io.fleetstream.gateway.domain.FieldError;
import io.fleetstream.gateway.domain.RejectionReason;
import io.fleetstream.gateway.domain.RequestRejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own meters. Names are defined here and only here; Prometheus sees them with dots turned into
 * underscores (and {@code _total} / {@code _seconds} suffixes). Every label has a fixed, small set of values; no
 * device id, token or message text ever becomes a label.
 */
@ApplicationScoped
public class GatewayMetrics {

    /**
     * Readings by outcome: {@code accepted} (written), {@code duplicate} (messageId already acknowledged, not written
     * again) and {@code invalid} (refused by validation, {@code reason} naming the rule).
     */
    public static final String READINGS = "fleetstream.gateway.readings";

    /** Requests refused as a whole, by {@code reason} ({@link RequestRejection}) and {@code path}. */
    public static final String REJECTIONS = "fleetstream.gateway.rejections";

    /** Duration of telemetry requests by {@code path} and HTTP {@code status}, with a histogram for percentiles. */
    public static final String REQUESTS = "fleetstream.gateway.requests";

    /** Device credentials currently known to the gateway. */
    public static final String CREDENTIALS = "fleetstream.gateway.credentials";

    /** Devices currently known to the gateway. */
    public static final String DEVICES = "fleetstream.gateway.devices";

    /** Registry changelog records that could not be decoded and were skipped, by {@code topic}. */
    public static final String CHANGELOG_RECORDS_SKIPPED = "fleetstream.gateway.changelog.records.skipped";

    /** {@code messageId}s remembered or being written. */
    public static final String IDEMPOTENCY_IDS = "fleetstream.gateway.idempotency.ids";

    /** Readings written without their {@code messageId} being remembered, because that memory was full. */
    public static final String IDEMPOTENCY_UNTRACKED = "fleetstream.gateway.idempotency.untracked";

    /** Devices whose rate-limit bucket is not full. */
    public static final String RATE_LIMITED_DEVICES = "fleetstream.gateway.rate.limit.devices";

    /** Which of the two telemetry endpoints a request came through; the {@code path} label. */
    public enum PathKind {
        /** {@code POST /v1/telemetry}. */
        V1("v1"),
        /** {@code POST /api/v1/{token}/telemetry}. */
        THINGSBOARD("thingsboard");

        private final String tag;

        PathKind(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter untracked;
    private final Map<RejectionReason, Counter> invalid = new EnumMap<>(RejectionReason.class);
    private final Map<PathKind, Map<RequestRejection, Counter>> rejections = new EnumMap<>(PathKind.class);
    private final Map<PathKind, Map<Integer, Timer>> requestTimers = new EnumMap<>(PathKind.class);

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = readings("accepted", "none");
        this.duplicates = readings("duplicate", "none");
        for (RejectionReason reason : RejectionReason.values()) {
            invalid.put(reason, readings("invalid", reason.tag()));
        }
        for (PathKind path : PathKind.values()) {
            Map<RequestRejection, Counter> byReason = new EnumMap<>(RequestRejection.class);
            for (RequestRejection reason : RequestRejection.values()) {
                byReason.put(
                        reason,
                        Counter.builder(REJECTIONS)
                                .description("Telemetry requests refused as a whole, by reason")
                                .tag("path", path.tag())
                                .tag("reason", reason.tag())
                                .register(registry));
            }
            rejections.put(path, byReason);
            requestTimers.put(path, new ConcurrentHashMap<>());
        }
        this.untracked = Counter.builder(IDEMPOTENCY_UNTRACKED)
                .description("Readings written without remembering their messageId because that memory was full")
                .register(registry);
    }

    private Counter readings(String outcome, String reason) {
        return Counter.builder(READINGS)
                .description("Readings accepted (written to Kafka), duplicate (not written again) or invalid")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry);
    }

    /** The registry, for meters owned by other components. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The skipped-records counter of one registry changelog. */
    public Counter changelogRecordsSkipped(String topic) {
        return Counter.builder(CHANGELOG_RECORDS_SKIPPED)
                .description("Registry changelog records that could not be decoded and were skipped")
                .tag("topic", topic)
                .register(registry);
    }

    public void accepted(int readings, int duplicateReadings) {
        accepted.increment(readings);
        duplicates.increment(duplicateReadings);
    }

    public void untracked() {
        untracked.increment();
    }

    /** Counts a request refused as a whole. */
    public void rejected(PathKind path, RequestRejection reason) {
        rejections.get(path).get(reason).increment();
    }

    /**
     * Counts the readings of an invalid request: each invalid reading under the rule of its first error, each valid
     * one under {@link RejectionReason#INVALID_BATCH}; errors about the body as a whole count once.
     */
    public void invalidReadings(List<FieldError> errors, int readingCount) {
        Map<Integer, RejectionReason> firstByIndex = new HashMap<>();
        for (FieldError error : errors) {
            if (error.index() == null) {
                invalid.get(error.reason()).increment();
            } else {
                firstByIndex.putIfAbsent(error.index(), error.reason());
            }
        }
        firstByIndex.values().forEach(reason -> invalid.get(reason).increment());
        int valid = readingCount - firstByIndex.size();
        if (valid > 0) {
            invalid.get(RejectionReason.INVALID_BATCH).increment(valid);
        }
    }

    /** Counts a body that is not JSON at all under {@link RejectionReason#MALFORMED_JSON}. */
    public void malformed() {
        invalid.get(RejectionReason.MALFORMED_JSON).increment();
    }

    /** The request timer for one path and HTTP status. */
    public Timer requestTimer(PathKind path, int status) {
        return requestTimers.get(path).computeIfAbsent(status, s -> Timer.builder(REQUESTS)
                .description("Duration of telemetry requests, by path and HTTP status")
                .tag("path", path.tag())
                .tag("status", Integer.toString(s))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry));
    }
}
