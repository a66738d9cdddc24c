package io.fleetstream.registry.domain;

/**
 * One problem with one field of a request.
 *
 * @param field JSON path of the field, such as {@code scope.deviceType} or {@code labels.floor}
 * @param message what is wrong and how to fix it
 */
public record FieldError(String field, String message) {}
