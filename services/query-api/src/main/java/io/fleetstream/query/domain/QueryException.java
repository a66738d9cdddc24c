package io.fleetstream.query.domain;

import java.util.List;

/** A request that cannot be answered; carries the status and the problem document to send. */
public class QueryException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;

    public QueryException(int status, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    /** 400 for one bad parameter. */
    public static QueryException badParameter(String field, String message) {
        return new QueryException(
                400,
                "Invalid request parameter",
                field + ": " + message,
                List.of(new Problem.FieldError(null, field, message)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
