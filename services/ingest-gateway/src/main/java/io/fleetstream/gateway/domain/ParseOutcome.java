package io.fleetstream.gateway.domain;

import java.util.List;

/** What {@link ReadingParser} made of a request body. */
public sealed interface ParseOutcome {

    /** Every reading is valid. */
    record Valid(List<Reading> readings) implements ParseOutcome {}

    /**
     * At least one reading is invalid, so none is written.
     *
     * @param errors every error found, in body order
     * @param readingCount how many readings the body held, valid ones included
     */
    record Invalid(List<FieldError> errors, int readingCount) implements ParseOutcome {}

    /** The body is not well-formed JSON; {@code detail} says where. */
    record Malformed(String detail) implements ParseOutcome {}

    /** The array holds more readings than {@code limit}; parsing stopped there. */
    record TooManyReadings(int limit) implements ParseOutcome {}
}
