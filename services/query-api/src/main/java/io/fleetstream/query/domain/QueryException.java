package io.fleetstream.query.domain;

import java.util.List;

/** A request that cannot be answered; carries the status and the problem document to send. */
public class QueryException extends RuntimeException {

    private final int status;
    private final Problem.Kind kind;
    private final String title;
    private final List<Problem.FieldError> errors;

    public QueryException(int status, Problem.Kind kind, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.kind = kind;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    /** 400 for one bad parameter. */
    public static QueryException badParameter(String field, String message) {
        return new QueryException(
                400,
                Problem.Kind.INVALID_REQUEST,
                "Invalid request parameter",
                field + ": " + message,
                List.of(new Problem.FieldError(null, field, message)));
    }

    /** 404 for a resource that is not stored; {@code detail} names it and where valid ids come from. */
    public static QueryException notFound(String title, String detail) {
        return new QueryException(404, Problem.Kind.NOT_FOUND, title, detail, List.of());
    }

    public int status() {
        return status;
    }

    public Problem.Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
