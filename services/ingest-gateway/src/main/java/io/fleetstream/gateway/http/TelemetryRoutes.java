package io.fleetstream.gateway.http;

import io.fleetstream.gateway.domain.ReadingParser;
import io.fleetstream.gateway.metrics.GatewayMetrics.PathKind;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The two telemetry endpoints, served as plain Vert.x routes on the event loop:
 *
 * <ul>
 *   <li>{@code POST /v1/telemetry}: the device authenticates with {@code Authorization: Bearer <token>} and sends one
 *       reading or an array of readings;
 *   <li>{@code POST /api/v1/{token}/telemetry}, the path ThingsBoard devices post to, so that a fleet can move over
 *       without being reflashed: the token in the path is the device credential, the body a flat object of metrics,
 *       an object {@code {"ts": ms, "values": {...}}} or an array of those.
 * </ul>
 *
 * <p>Both meet the same checks and pipeline ({@link TelemetryIngest}). They were JAX-RS resources until the ingestion
 * benchmark (issue 3) showed a third of the gateway's CPU per single-reading request going to RESTEasy's per-request
 * machinery (request scope, body reader and writer lookup, Jackson for a two-field answer). Here the body is read by
 * Vert.x's body handler (bounded by {@code quarkus.http.limits.max-body-size}), the 202 is written as plain bytes and
 * problem documents as {@link ProblemResponses} built them. Every other path still goes to RESTEasy and its
 * {@link ProblemExceptionMappers}.
 *
 * <p>The handler never waits on I/O itself (see {@link io.fleetstream.gateway.kafka.TelemetryPublisher#publish} for
 * the one case in which a send can hold the event loop); the answer is written on the request's event loop once Kafka
 * has acknowledged every reading. The ThingsBoard token is part of the URL, so it must never reach a log: this class
 * logs no path, the metrics label the path by kind, and {@code quarkus.http.access-log.exclude-pattern} keeps the path
 * out of an access log if one is enabled.
 */
@ApplicationScoped
public class TelemetryRoutes {

    /** The Fleetstream endpoint. */
    public static final String V1_PATH = "/v1/telemetry";

    /** The ThingsBoard-compatible endpoint, as a Vert.x route with the token as path parameter. */
    public static final String THINGSBOARD_PATH = "/api/v1/:token/telemetry";

    private static final String JSON = "application/json";

    private final TelemetryIngest ingest;
    private final DeviceAuthenticator authenticator;
    private final ReadingParser parser;
    private final ProblemResponses problems;
    private final Clock clock;
    private final long maxBodySize;

    public TelemetryRoutes(
            TelemetryIngest ingest,
            DeviceAuthenticator authenticator,
            ReadingParser parser,
            ProblemResponses problems,
            Clock clock,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                    MemorySize maxBodySize) {
        this.ingest = ingest;
        this.authenticator = authenticator;
        this.parser = parser;
        this.problems = problems;
        this.clock = clock;
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void register(@Observes Router router) {
        // No file uploads and no form parsing: the body is JSON, read whole into memory up to the HTTP limit.
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodySize);
        router.post(V1_PATH).handler(bodies).handler(this::v1).failureHandler(this::failed);
        router.post(THINGSBOARD_PATH).handler(bodies).handler(this::thingsBoard).failureHandler(this::failed);
        // Any other method on these paths gets the 405 it got when they were JAX-RS resources.
        router.route(V1_PATH).handler(this::methodNotAllowed);
        router.route(THINGSBOARD_PATH).handler(this::methodNotAllowed);
        Log.infof("telemetry endpoints: POST %s and POST /api/v1/{token}/telemetry", V1_PATH);
    }

    private void methodNotAllowed(RoutingContext context) {
        Response refusal = problems.of(ProblemType.METHOD_NOT_ALLOWED, ProblemExceptionMappers.METHOD_NOT_ALLOWED);
        context.response().putHeader(HttpHeaders.ALLOW, "POST");
        write(context.response(), refusal);
    }

    private void v1(RoutingContext context) {
        HttpServerRequest request = context.request();
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        answer(
                context,
                ingest.ingest(
                        PathKind.V1,
                        now -> authenticator.authenticateHeader(authorization, now),
                        request.getHeader(HttpHeaders.CONTENT_TYPE),
                        body(context),
                        Instant.ofEpochMilli(clock.millis()),
                        parser::parse));
    }

    private void thingsBoard(RoutingContext context) {
        String token = context.pathParam("token");
        answer(
                context,
                ingest.ingest(
                        PathKind.THINGSBOARD,
                        now -> authenticator.authenticateToken(token, now),
                        context.request().getHeader(HttpHeaders.CONTENT_TYPE),
                        body(context),
                        Instant.ofEpochMilli(clock.millis()),
                        parser::parseThingsBoard));
    }

    private static byte[] body(RoutingContext context) {
        Buffer body = context.body().buffer();
        return body == null ? new byte[0] : body.getBytes();
    }

    /** Writes the answer once it is known, on the request's event loop. */
    private void answer(RoutingContext context, CompletionStage<TelemetryIngest.Answer> answer) {
        Context eventLoop = Vertx.currentContext();
        answer.whenComplete((done, error) -> {
            if (eventLoop == null || Vertx.currentContext() == eventLoop) {
                respond(context, done, error);
            } else {
                eventLoop.runOnContext(ignored -> respond(context, done, error));
            }
        });
    }

    private void respond(RoutingContext context, TelemetryIngest.Answer answer, Throwable error) {
        if (error != null) {
            context.fail(error);
            return;
        }
        HttpServerResponse response = context.response();
        if (answer instanceof TelemetryIngest.Accepted accepted) {
            response.setStatusCode(accepted.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .end(Buffer.buffer(acceptedBody(accepted)));
        } else {
            write(response, ((TelemetryIngest.Refused) answer).response());
        }
    }

    /** {@code {"accepted":n,"duplicates":d}}: two integers need no JSON library. */
    static byte[] acceptedBody(TelemetryIngest.Accepted accepted) {
        return ("{\"accepted\":" + accepted.accepted() + ",\"duplicates\":" + accepted.duplicates() + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a problem response as {@link ProblemResponses} built it: status, headers and serialized body. */
    private static void write(HttpServerResponse out, Response response) {
        out.setStatusCode(response.getStatus());
        for (Map.Entry<String, List<String>> header :
                response.getStringHeaders().entrySet()) {
            out.putHeader(header.getKey(), header.getValue());
        }
        Object entity = response.getEntity();
        out.end(entity instanceof byte[] bytes ? Buffer.buffer(bytes) : Buffer.buffer());
    }

    /**
     * A failure of the route: a body over the HTTP limit (413), a request the body handler refused, or an unexpected
     * error, answered as a problem document like any other.
     */
    private void failed(RoutingContext context) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        int status = context.statusCode();
        Response refusal;
        if (status == 413) {
            refusal = problems.of(
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "the body has more than " + maxBodySize + " bytes, more than the gateway reads; split the "
                            + "readings across several requests");
        } else if (status >= 400 && status < 500) {
            refusal = problems.of(
                    ProblemType.BAD_REQUEST,
                    "the request could not be processed; check it against the API documentation");
        } else {
            Log.error("unexpected failure while handling a telemetry request", context.failure());
            refusal = problems.of(ProblemType.INTERNAL, "the gateway failed unexpectedly; retry later");
        }
        write(context.response(), refusal);
    }
}
