package io.fleetstream.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem document, as every Fleetstream service answers errors.
 *
 * @param type URI identifying the kind of problem
 * @param title short summary of the kind of problem
 * @param status HTTP status code
 * @param detail what went wrong with this request and how to fix it
 * @param errors the individual mistakes, for validation failures; omitted otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<ProblemError> errors) {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One mistake in the request.
     *
     * @param index position of the reading in the request (0 for a single reading), null for the body as a whole
     * @param field path of the field inside the reading, empty for the reading itself
     * @param message what is wrong and how to fix it
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ProblemError(Integer index, String field, String message) {}
}
