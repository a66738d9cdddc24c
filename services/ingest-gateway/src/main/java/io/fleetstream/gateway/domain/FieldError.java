package io.fleetstream.gateway.domain;

/**
 * One thing wrong with a request.
 *
 * @param index position of the reading in the request (0 for a single reading object), or null when the error is
 *     about the body as a whole
 * @param field JSON path of the offending field inside the reading, such as {@code ts} or {@code metrics.temp}; empty
 *     when the reading itself is wrong
 * @param message what is wrong and how to fix it
 * @param reason the category, for metrics
 */
public record FieldError(Integer index, String field, String message, RejectionReason reason) {}
