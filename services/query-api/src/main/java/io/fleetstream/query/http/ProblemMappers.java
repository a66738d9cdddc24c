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
        return problem(e.status(), e.title(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        Log.warnf("telemetry store unavailable, answering 503: %s", e.getMessage());
        long seconds = Math.max(1, settings.retryAfter().toSeconds());
        return Response.fromResponse(problem(
                        503,
                        "Telemetry store unavailable",
                        e.getMessage() + "; retry after " + seconds + " seconds",
                        List.of()))
                .header("Retry-After", seconds)
                .build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String detail = status == 404
                ? "no such endpoint; see the query-api README for the paths"
                : e.getResponse().getStatusInfo().getReasonPhrase();
        return problem(status, e.getResponse().getStatusInfo().getReasonPhrase(), detail, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("query failed unexpectedly", e);
        return problem(500, "Internal error", "the query failed on the server; it has been logged", List.of());
    }

    static Response problem(int status, String title, String detail, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, errors))
                .build();
    }
}
