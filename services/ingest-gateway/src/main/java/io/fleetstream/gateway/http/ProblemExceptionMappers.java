package io.fleetstream.gateway.http;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns errors raised by the HTTP layer (unknown path, wrong method) and unexpected failures into problem documents,
 * so that no client ever sees a class name or a stack trace.
 */
public class ProblemExceptionMappers {

    /** The detail of a 405, here and on the telemetry routes. */
    static final String METHOD_NOT_ALLOWED = "this method is not supported here; telemetry is sent with POST";

    private final ProblemResponses problems;

    public ProblemExceptionMappers(ProblemResponses problems) {
        this.problems = problems;
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        Response answer =
                switch (status) {
                    case 404 ->
                        problems.of(
                                ProblemType.NOT_FOUND,
                                "no resource at this path; devices send telemetry to POST /v1/telemetry or, "
                                        + "ThingsBoard-style, POST /api/v1/{token}/telemetry");
                    case 405 -> problems.of(ProblemType.METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED);
                    case 406 ->
                        problems.of(ProblemType.NOT_ACCEPTABLE, "the gateway answers application/json; accept it");
                    case 415 ->
                        problems.of(
                                ProblemType.UNSUPPORTED_MEDIA_TYPE,
                                "send the body as JSON with Content-Type: application/json");
                    default ->
                        status >= 500
                                ? unexpected(e)
                                : problems.of(
                                        ProblemType.BAD_REQUEST,
                                        "the request could not be processed; check it "
                                                + "against the API documentation");
                };
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        return allow == null
                ? answer
                : Response.fromResponse(answer).header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Log.error("unexpected failure while handling a request", e);
        return problems.of(ProblemType.INTERNAL, "the gateway failed unexpectedly; retry later");
    }
}
