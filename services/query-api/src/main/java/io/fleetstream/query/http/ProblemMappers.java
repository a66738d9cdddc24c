package io.fleetstream.query.http;

import io.fleetstream.query.config.QuerySettings;
import io.fleetstream.query.domain.Problem;
import io.fleetstream.query.domain.QueryException;
import io.fleetstream.query.persistence.StoreUnavailableException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Turns every failure into an RFC 9457 problem document; no class names or stack traces reach the client. */
public class ProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";

    private final QuerySettings settings;

    public ProblemMappers(QuerySettings settings) {
        this.settings = settings;
    }

    @ServerExceptionMapper
    public Response query(QueryException e) {
        return problem(e.status(), e.kind(), e.title(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        Log.warnf("telemetry store unavailable, answering 503: %s", e.getMessage());
        long seconds = Math.max(1, settings.retryAfter().toSeconds());
        return Response.fromResponse(problem(
                        503,
                        Problem.Kind.UNAVAILABLE,
                        "Telemetry store unavailable",
                        e.getMessage() + "; retry after " + seconds + " seconds",
                        List.of()))
                .header("Retry-After", seconds)
                .build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return refusal(
                e.getResponse().getStatus(), e.getResponse().getStatusInfo().getReasonPhrase());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("query failed unexpectedly", e);
        return problem(
                500,
                Problem.Kind.INTERNAL_ERROR,
                "Internal error",
                "the query failed on the server; it has been logged",
                List.of());
    }

    /** The problem for a refusal the HTTP layer made by status alone, with a detail that says what to change. */
    static Response refusal(int status, String reason) {
        String detail =
                switch (status) {
                    case 404 -> "no such endpoint; see the query-api README for the paths";
                    case 405 -> "this path does not support that method; see the query-api README for the methods";
                    case 406 -> "this API answers with application/json only; accept that (or */*)";
                    case 415 -> "send the body as JSON with Content-Type: application/json, or send no body";
                    default -> status >= 500 ? "the request failed on the server; it has been logged" : reason;
                };
        return problem(status, Problem.Kind.ofStatus(status), reason, detail, List.of());
    }

    static Response problem(
            int status, Problem.Kind kind, String title, String detail, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem(kind.type(), title, status, detail, errors))
                .build();
    }
}
