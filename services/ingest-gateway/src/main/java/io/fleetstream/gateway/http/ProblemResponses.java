package io.fleetstream.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.gateway.domain.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;

/** Builds problem-document responses, serialized here so that the media type is exactly application/problem+json. */
@ApplicationScoped
public class ProblemResponses {

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    /** A problem without individual errors. */
    public Response of(ProblemType type, String detail) {
        return builder(type, detail, null).build();
    }

    /** A validation problem listing every error. */
    public Response invalid(String detail, List<FieldError> errors) {
        List<Problem.ProblemError> listed = errors.stream()
                .map(error -> new Problem.ProblemError(error.index(), error.field(), error.message()))
                .toList();
        return builder(ProblemType.INVALID_READINGS, detail, listed).build();
    }

    /** A 401 with the WWW-Authenticate challenge of RFC 6750. */
    public Response unauthorized(String detail, boolean tokenPresented) {
        String challenge = tokenPresented
                ? "Bearer realm=\"fleetstream\", error=\"invalid_token\""
                : "Bearer realm=\"fleetstream\"";
        return builder(ProblemType.UNAUTHORIZED, detail, null)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
    }

    /** A 503 telling the client when to retry. */
    public Response unavailable(String detail, Duration retryAfter) {
        return builder(ProblemType.UNAVAILABLE, detail, null)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)))
                .build();
    }

    /** A 429 telling the client when enough of its rate limit is back. */
    public Response rateLimited(String detail, Duration retryAfter) {
        return builder(ProblemType.RATE_LIMITED, detail, null)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)))
                .build();
    }

    /** Whole seconds for a Retry-After header: rounded up, at least 1. */
    static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private Response.ResponseBuilder builder(ProblemType type, String detail, List<Problem.ProblemError> errors) {
        Problem problem = new Problem(type.uri().toString(), type.title(), type.status(), detail, errors);
        byte[] body;
        try {
            body = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            // A record of strings and numbers always serializes; this guards against a broken ObjectMapper setup.
            throw new IllegalStateException("cannot serialize problem document", e);
        }
        return Response.status(type.status()).type(Problem.MEDIA_TYPE).entity(body);
    }
}
