package io.fleetstream.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The query API's own meters; their names are defined here and nowhere else. */
@ApplicationScoped
public class QueryMetrics {

    /** Operator keys known from the changelog (revoked and expired included). */
    public static final String OPERATOR_KEYS = "fleetstream.query.operator.keys";
    /** Key changelog records that could not be decoded. */
    public static final String OPERATOR_KEY_RECORDS_SKIPPED = "fleetstream.query.operator.key.records.skipped";
    /**
     * Requests refused by authentication; tag {@code reason} (missing, unknown, expired, revoked, role, not-ready).
     * Never tagged with a key or key id.
     */
    public static final String AUTH_REFUSED = "fleetstream.query.auth.refused";
    /** Acknowledgements recorded (first acknowledgement of an alert only). */
    public static final String ACKNOWLEDGEMENTS = "fleetstream.query.alerts.acknowledged";
    /** Aggregate queries answered, by source; tag {@code source} ({@code aggregates:<size>} or {@code readings}). */
    public static final String AGGREGATE_SOURCE = "fleetstream.query.aggregates.source";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String reason : new String[] {"missing", "unknown", "expired", "revoked", "role", "not-ready"}) {
            counter(AUTH_REFUSED, "reason", reason);
        }
        Counter.builder(ACKNOWLEDGEMENTS)
                .description("Alert acknowledgements recorded")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void authRefused(String reason) {
        counter(AUTH_REFUSED, "reason", reason).increment();
    }

    public void acknowledged() {
        registry.counter(ACKNOWLEDGEMENTS).increment();
    }

    public void aggregateSource(String source) {
        counter(AGGREGATE_SOURCE, "source", source).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(
                name + '|' + value, key -> Counter.builder(name).tag(tag, value).register(registry));
    }
}
