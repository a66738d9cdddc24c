package io.fleetstream.gateway.http;

import io.fleetstream.gateway.domain.ReadingParser;
import io.fleetstream.gateway.metrics.GatewayMetrics.PathKind;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/{token}/telemetry}, the path ThingsBoard devices post to, so that a fleet can move over without
 * being reflashed. The token in the path is the device credential; the body is a flat object of metrics, an object
 * {@code {"ts": ms, "values": {...}}} or an array of those. It then meets the same checks and pipeline as
 * {@code /v1/telemetry}, except that ThingsBoard's non-numeric values are refused.
 *
 * <p>The token is part of the URL, so it must never reach a log: this class logs nothing, the metrics label the path
 * by kind, and {@code quarkus.http.access-log.exclude-pattern} keeps the path out of an access log if one is enabled.
 */
@Path("/api/v1/{token}/telemetry")
public class ThingsBoardResource {

    private final TelemetryIngest ingest;
    private final DeviceAuthenticator authenticator;
    private final ReadingParser parser;
    private final Clock clock;

    public ThingsBoardResource(
            TelemetryIngest ingest, DeviceAuthenticator authenticator, ReadingParser parser, Clock clock) {
        this.ingest = ingest;
        this.authenticator = authenticator;
        this.parser = parser;
        this.clock = clock;
    }

    @POST
    public CompletionStage<Response> ingest(
            @PathParam("token") String token, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        return ingest.ingest(
                PathKind.THINGSBOARD,
                now -> authenticator.authenticateToken(token, now),
                contentType,
                body,
                Instant.ofEpochMilli(clock.millis()),
                parser::parseThingsBoard);
    }
}
