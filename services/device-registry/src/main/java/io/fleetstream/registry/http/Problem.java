package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.FieldError;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * RFC 9457 problem document. {@code type} identifies the kind of problem, {@code detail} says what to do about it
 * and {@code errors} lists field-level problems (empty when the problem is not about fields).
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:fleetstream:problem:";

    static Problem of(String kind, String title, int status, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + kind, title, status, detail, List.copyOf(errors));
    }

    static Problem of(String kind, String title, int status, String detail) {
        return of(kind, title, status, detail, List.of());
    }

    Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
