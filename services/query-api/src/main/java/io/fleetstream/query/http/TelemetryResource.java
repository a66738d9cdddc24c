package io.fleetstream.query.http;

import io.fleetstream.query.domain.AlertFilter;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.QueryException;
import io.fleetstream.query.domain.TimeParameter;
import io.fleetstream.query.domain.Views.AggregateItem;
import io.fleetstream.query.domain.Views.AlertItem;
import io.fleetstream.query.domain.Views.Latest;
import io.fleetstream.query.domain.Views.Page;
import io.fleetstream.query.domain.Views.ReadingPoint;
import io.fleetstream.query.domain.Views.Stats;
import io.fleetstream.query.persistence.TelemetryQueries;
import io.fleetstream.schema.WindowSizes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Operator read endpoints over the telemetry store (see docs/architecture.md, "query-api"). */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class TelemetryResource {

    private static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");

    private final TelemetryQueries queries;

    public TelemetryResource(TelemetryQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/devices/{deviceId}/readings")
    public Page<ReadingPoint> readings(
            @PathParam("deviceId") String deviceId,
            @QueryParam("metric") String metric,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String metricName = required("metric", metric, "name the metric to read, e.g. metric=temp");
        Instant start = TimeParameter.parse("from", from);
        Instant end = TimeParameter.parse("to", to);
        TimeParameter.checkOrder(start, end);
        PageRequest page = PageRequest.of(limit, cursor, TelemetryQueries.readingsCursorKind());
        return queries.readings(deviceId, metricName, start, end, page);
    }

    @GET
    @Path("/devices/{deviceId}/latest")
    public Latest latest(@PathParam("deviceId") String deviceId) {
        var metrics = queries.latest(deviceId);
        if (metrics.isEmpty()) {
            throw new QueryException(
                    404,
                    "No readings for this device",
                    "device [" + deviceId + "] has no stored readings; check the device id, or send readings first",
                    List.of());
        }
        return new Latest(deviceId, metrics);
    }

    @GET
    @Path("/devices/{deviceId}/aggregates")
    public Page<AggregateItem> aggregates(
            @PathParam("deviceId") String deviceId,
            @QueryParam("metric") String metric,
            @QueryParam("window") String window,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String metricName = required("metric", metric, "name the metric to read, e.g. metric=temp");
        String label = required("window", window, "name the window size, e.g. window=1m or window=1h");
        Duration size;
        try {
            size = WindowSizes.parse(label.strip());
        } catch (IllegalArgumentException e) {
            throw QueryException.badParameter("window", e.getMessage());
        }
        Instant start = TimeParameter.parse("from", from);
        Instant end = TimeParameter.parse("to", to);
        TimeParameter.checkOrder(start, end);
        PageRequest page = PageRequest.of(limit, cursor, TelemetryQueries.aggregatesCursorKind());
        return queries.aggregates(deviceId, metricName, size, start, end, page);
    }

    @GET
    @Path("/alerts")
    public Page<AlertItem> alerts(
            @QueryParam("deviceId") String deviceId,
            @QueryParam("ruleId") String ruleId,
            @QueryParam("severity") String severity,
            @QueryParam("state") String state,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String level = blankToNull(severity);
        if (level != null) {
            level = level.toUpperCase(Locale.ROOT);
            if (!SEVERITIES.contains(level)) {
                throw QueryException.badParameter(
                        "severity", "'" + severity + "' is not a severity; use INFO, WARNING or CRITICAL");
            }
        }
        Boolean open = null;
        String stateFilter = blankToNull(state);
        if (stateFilter != null) {
            open = switch (stateFilter.toLowerCase(Locale.ROOT)) {
                case "open" -> true;
                case "cleared" -> false;
                default ->
                    throw QueryException.badParameter(
                            "state", "'" + state + "' is not an alert state; use open or cleared");
            };
        }
        Instant start = TimeParameter.parse("from", from);
        Instant end = TimeParameter.parse("to", to);
        TimeParameter.checkOrder(start, end);
        PageRequest page = PageRequest.of(limit, cursor, TelemetryQueries.alertsCursorKind());
        return queries.alerts(
                new AlertFilter(blankToNull(deviceId), blankToNull(ruleId), level, open, start, end), page);
    }

    @GET
    @Path("/stats")
    public Stats stats() {
        return queries.stats();
    }

    private static String required(String field, String value, String hint) {
        if (value == null || value.isBlank()) {
            throw QueryException.badParameter(field, "is required; " + hint);
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
