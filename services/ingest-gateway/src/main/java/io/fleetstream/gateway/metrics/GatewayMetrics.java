package io.fleetstream.gateway.metrics;

import io.fleetstream.gateway.domain.FieldError;
import io.fleetstream.gateway.domain.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own meters. Names are defined here and only here; Prometheus sees them with dots turned into
 * underscores (and {@code _total} / {@code _seconds} suffixes).
 */
@ApplicationScoped
public class GatewayMetrics {

    /** Readings by outcome ({@code accepted} or {@code rejected}) and, for rejections, reason. */
    public static final String READINGS = "fleetstream.gateway.readings";

    /** Requests answered with 503 because Kafka did not acknowledge every reading or the gateway is not ready. */
    public static final String UNAVAILABLE = "fleetstream.gateway.unavailable";

    /** Duration of telemetry requests by HTTP status. */
    public static final String REQUESTS = "fleetstream.gateway.requests";

    /** Device credentials currently known to the gateway. */
    public static final String CREDENTIALS = "fleetstream.gateway.credentials";

    /** Credential changelog records that could not be decoded and were skipped. */
    public static final String CREDENTIAL_RECORDS_SKIPPED = "fleetstream.gateway.credential.records.skipped";

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
    private final Counter unavailable;
    private final Map<Integer, Timer> requestTimers = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder(READINGS)
                .description("Readings accepted (written to Kafka) or rejected, by reason")
                .tag("outcome", "accepted")
                .tag("reason", "none")
                .register(registry);
        for (RejectionReason reason : RejectionReason.values()) {
            rejected.put(
                    reason,
                    Counter.builder(READINGS)
                            .description("Readings accepted (written to Kafka) or rejected, by reason")
                            .tag("outcome", "rejected")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
        this.unavailable = Counter.builder(UNAVAILABLE)
                .description("Telemetry requests answered with 503 (Kafka unavailable or gateway not ready)")
                .register(registry);
    }

    /** The registry, for meters owned by other components. */
    public MeterRegistry registry() {
        return registry;
    }

    public void accepted(int readings) {
        accepted.increment(readings);
    }

    /**
     * Counts a request refused before its readings could be counted (bad credential, wrong media type, too large,
     * malformed JSON): once, under its reason.
     */
    public void rejectedRequest(RejectionReason reason) {
        rejected.get(reason).increment();
    }

    /**
     * Counts the readings of an invalid request: each invalid reading under the reason of its first error, each valid
     * one under {@link RejectionReason#INVALID_BATCH}; errors about the body as a whole count once.
     */
    public void rejectedReadings(List<FieldError> errors, int readingCount) {
        Map<Integer, RejectionReason> firstByIndex = new HashMap<>();
        for (FieldError error : errors) {
            if (error.index() == null) {
                rejected.get(error.reason()).increment();
            } else {
                firstByIndex.putIfAbsent(error.index(), error.reason());
            }
        }
        firstByIndex.values().forEach(reason -> rejected.get(reason).increment());
        int valid = readingCount - firstByIndex.size();
        if (valid > 0) {
            rejected.get(RejectionReason.INVALID_BATCH).increment(valid);
        }
    }

    public void unavailable() {
        unavailable.increment();
    }

    /** The request timer for one HTTP status. */
    public Timer requestTimer(int status) {
        return requestTimers.computeIfAbsent(status, s -> Timer.builder(REQUESTS)
                .description("Duration of telemetry requests, by HTTP status")
                .tag("status", Integer.toString(s))
                .register(registry));
    }
}
