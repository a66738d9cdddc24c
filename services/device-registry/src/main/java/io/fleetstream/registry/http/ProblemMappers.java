package io.fleetstream.registry.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fleetstream.registry.domain.ConflictException;
import io.fleetstream.registry.domain.FieldError;
import io.fleetstream.registry.domain.ForbiddenTransitionException;
import io.fleetstream.registry.domain.InvalidRequestException;
import io.fleetstream.registry.domain.TooManyItemsException;
import io.fleetstream.registry.domain.UnknownResourceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns every failure into a problem document. Client mistakes say what to change; server failures say nothing about
 * the implementation (no class names, no stack traces), and a database outage is a 503 with Retry-After.
 */
public class ProblemMappers {

    /** Seconds a client should wait before retrying while the database is unreachable. */
    static final String RETRY_AFTER_SECONDS = "5";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        int count = e.errors().size();
        return Problem.of(
                        "invalid-request",
                        "Invalid request",
                        400,
                        (count == 1 ? "1 field is invalid" : count + " fields are invalid")
                                + "; fix each one listed in errors and send the request again",
                        e.errors())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response unknown(UnknownResourceException e) {
        return Problem.of("not-found", "Not found", 404, e.getMessage() + "; check the id")
                .toResponse();
    }

    @ServerExceptionMapper
    public Response forbiddenTransition(ForbiddenTransitionException e) {
        return Problem.of("invalid-transition", "Not allowed in the current state", 409, e.getMessage())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response tooMany(TooManyItemsException e) {
        return Problem.of("too-many-items", "Too many items", 413, e.getMessage())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return Problem.of("conflict", "Conflict", 409, e.getMessage()).toResponse();
    }

    /** JSON that is well-formed but does not fit the expected shape: wrong types, unknown fields. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        String field = path(e.getPath());
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            TreeSet<String> known = new TreeSet<>();
            unknown.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
            message = "is not a known field; remove it or use one of " + String.join(", ", known);
        } else {
            message = expectation(e.getTargetType());
        }
        return Problem.of(
                        "invalid-request",
                        "Invalid request",
                        400,
                        "the JSON body does not have the expected shape; fix the fields listed in errors",
                        List.of(new FieldError(field.isEmpty() ? "$" : field, message)))
                .toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            JsonLocation location = json.getLocation();
            String where =
                    location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            return Problem.of(
                            "malformed-json",
                            "Malformed JSON",
                            400,
                            "the body is not valid JSON" + where + ": " + readable(json.getOriginalMessage())
                                    + "; send one JSON object")
                    .toResponse();
        }
        int status = e.getResponse().getStatus();
        return switch (status) {
            case 404 ->
                Problem.of("not-found", "Not found", 404, "no such resource; see the API in the README")
                        .toResponse();
            case 405 ->
                Problem.of("method-not-allowed", "Method not allowed", 405, "this path does not support that method")
                        .toResponse();
            case 415 ->
                Problem.of(
                                "unsupported-media-type",
                                "Unsupported media type",
                                415,
                                "send the body as JSON with Content-Type: application/json")
                        .toResponse();
            case 406 ->
                Problem.of("not-acceptable", "Not acceptable", 406, "this API answers with application/json only")
                        .toResponse();
            default -> {
                if (status >= 500) {
                    yield unexpected(e);
                }
                Response.Status.Family family = Response.Status.Family.familyOf(status);
                String title = e.getResponse().getStatusInfo().getReasonPhrase();
                yield family == Response.Status.Family.CLIENT_ERROR
                        ? Problem.of("client-error", title, status, "the request was refused: " + title)
                                .toResponse()
                        : e.getResponse();
            }
        };
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (databaseUnavailable(e)) {
            LOG.warnf("request failed because the database is unavailable: %s", e.getMessage());
            Response response = Problem.of(
                            "unavailable",
                            "Service unavailable",
                            503,
                            "the registry database is unavailable; retry after " + RETRY_AFTER_SECONDS + " seconds")
                    .toResponse();
            return Response.fromResponse(response)
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                    .build();
        }
        LOG.error("request failed unexpectedly", e);
        return Problem.of(
                        "internal-error",
                        "Internal error",
                        500,
                        "the registry failed to handle the request;" + " the error is logged on the server")
                .toResponse();
    }

    static boolean databaseUnavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JDBCConnectionException || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception, 53: insufficient resources, 57P: server shutting down.
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * Jackson's message in the client's terms: a repeated field is named as such (the mapper refuses duplicates, see
     * {@link io.fleetstream.registry.config.StrictJson}), and advice to enable a parser feature, a setting of this
     * service and not of the client, is left out.
     */
    static String readable(String message) {
        if (message.startsWith("Duplicate field '")) {
            return "the field " + message.substring("Duplicate field ".length()) + " appears more than once; send each"
                    + " field once";
        }
        return message.replaceAll(":? ?enable `[^`]+` to allow", "")
                .replaceAll(
                        " ?\\(not recognized as one since Feature '[^']+' not enabled for parser\\)",
                        "; JSON has no comments");
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expectation(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "must be a JSON object whose values are strings";
        }
        return "must be a JSON object";
    }
}
