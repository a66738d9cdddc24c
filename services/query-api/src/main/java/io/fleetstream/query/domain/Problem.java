package io.fleetstream.query.domain;

import java.util.List;

/** An RFC 9457 problem document; {@code errors} lists each bad parameter and how to fix it. */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** One rejected parameter. */
    public record FieldError(Integer index, String field, String message) {}
}
