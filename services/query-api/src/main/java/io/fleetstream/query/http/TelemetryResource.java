package io.fleetstream.query.http;

import io.fleetstream.query.domain.Bucket;
import io.fleetstream.query.domain.PageRequest;
import io.fleetstream.query.domain.QueryException;
import io.fleetstream.query.domain.TimeParameter;
import io.fleetstream.query.domain.Views.BucketPage;
import io.fleetstream.query.domain.Views.Latest;
import io.fleetstream.query.domain.Views.Page;
import io.fleetstream.query.domain.Views.ReadingPoint;
import io.fleetstream.query.domain.Views.Stats;
import io.fleetstream.query.metrics.QueryMetrics;
import io.fleetstream.query.persistence.AggregateQueries;
import io.fleetstream.query.persistence.TelemetryQueries;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

/** Operator read endpoints over stored telemetry (see docs/architecture.md, "query-api"). Any role may read. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "telemetry")
public class TelemetryResource {

    private final TelemetryQueries queries;
    private final AggregateQueries aggregates;
    private final QueryMetrics metrics;

    public TelemetryResource(TelemetryQueries queries, AggregateQueries aggregates, QueryMetrics metrics) {
        this.queries = queries;
        this.aggregates = aggregates;
        this.metrics = metrics;
    }

    @GET
    @Path("/devices/{deviceId}/readings")
    @Operation(summary = "Stored readings of one metric, ascending by ts, in [from, to)")
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
        PageRequest page =
                PageRequest.of(limit, cursor, TelemetryQueries.readingsCursorScope(deviceId, metricName, start, end));
        return queries.readings(deviceId, metricName, start, end, page);
    }

    @GET
    @Path("/devices/{deviceId}/latest")
    @Operation(summary = "Newest reading (by ts, not by arrival) of each metric")
    public Latest latest(@PathParam("deviceId") String deviceId) {
        var latest = queries.latest(deviceId);
        if (latest.isEmpty()) {
            throw QueryException.notFound(
                    "No readings for this device",
                    "device [" + deviceId + "] has no stored readings; check the device id, or send readings first");
        }
        return new Latest(deviceId, latest);
    }

    @GET
    @Path("/devices/{deviceId}/aggregates")
    @Operation(
            summary = "count/min/max/sum/avg per bucket",
            description = "Buckets of 1m, 5m, 15m, 1h (aligned to UTC epoch multiples) or 1d (the local calendar day of"
                    + " tz, default UTC). A bucket is listed when its start is in [from, to) and it holds data; it"
                    + " covers [bucketStart, bucketEnd). `source` names what the buckets were computed from.")
    public BucketPage aggregates(
            @PathParam("deviceId") String deviceId,
            @QueryParam("metric") String metric,
            @QueryParam("bucket") String bucket,
            @QueryParam("window") String window,
            @QueryParam("tz") String tz,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String metricName = required("metric", metric, "name the metric to read, e.g. metric=temp");
        // "window" is the parameter's earlier name, still accepted so existing links keep working.
        String label = bucket != null && !bucket.isBlank() ? bucket : window;
        Bucket size = Bucket.of(
                required("bucket", label, "name the bucket size: one of " + String.join(", ", Bucket.LABELS)), tz);
        Instant start = TimeParameter.parse("from", from);
        Instant end = TimeParameter.parse("to", to);
        TimeParameter.checkOrder(start, end);
        PageRequest page =
                PageRequest.of(limit, cursor, AggregateQueries.cursorScope(deviceId, metricName, size, start, end));
        BucketPage result = aggregates.buckets(deviceId, metricName, size, start, end, page);
        metrics.aggregateSource(result.source());
        return result;
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Exact row counts of the telemetry store (slow at millions of rows)")
    public Stats stats() {
        return queries.stats();
    }

    static String required(String field, String value, String hint) {
        if (value == null || value.isBlank()) {
            throw QueryException.badParameter(field, "is required; " + hint);
        }
        return value;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
