package io.fleetstream.registry.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One problem with one field of a request.
 *
 * @param index position of the item in a bulk request; null (and left out of the JSON) otherwise
 * @param field JSON path of the field, such as {@code scope.deviceType} or {@code labels.floor}
 * @param message what is wrong and how to fix it
 */
public record FieldError(
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer index, String field, String message) {

    public FieldError(String field, String message) {
        this(null, field, message);
    }

    /** The same error, attributed to item {@code index} of a bulk request. */
    public FieldError at(int index) {
        return new FieldError(index, field, message);
    }
}
