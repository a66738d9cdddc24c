package io.fleetstream.gateway.domain;

/**
 * Which validation rule refused readings; the request as a whole is then refused as {@link RequestRejection#INVALID}.
 * The {@link #tag()} is the {@code reason} label of invalid readings, so this is a small fixed set: add a value only
 * for a new kind of client mistake, never per message text.
 */
public enum RejectionReason {
    /** The body is not well-formed JSON. */
    MALFORMED_JSON("malformed_json"),
    /** The body is JSON but not a reading object or an array of them. */
    INVALID_SHAPE("invalid_shape"),
    /** A reading carries a field the contract does not define. */
    UNKNOWN_FIELD("unknown_field"),
    /** {@code ts} is not epoch milliseconds or RFC 3339, or lies outside the accepted time range. */
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** {@code metrics} is missing, empty, not an object or has too many entries. */
    INVALID_METRICS("invalid_metrics"),
    /** A metric name is outside {@code [A-Za-z0-9_.:-]{1,64}} or appears twice. */
    INVALID_METRIC_NAME("invalid_metric_name"),
    /** A metric value is not a finite number a double holds exactly enough. */
    INVALID_METRIC_VALUE("invalid_metric_value"),
    /** {@code messageId} is not a string of 1 to 128 characters. */
    INVALID_MESSAGE_ID("invalid_message_id"),
    /** {@code attributes} is not an object of strings. */
    INVALID_ATTRIBUTES("invalid_attributes"),
    /** The reading itself was valid, but another reading of the same request was not (all-or-nothing). */
    INVALID_BATCH("invalid_batch");

    private final String tag;

    RejectionReason(String tag) {
        this.tag = tag;
    }

    /** Metric label value. */
    public String tag() {
        return tag;
    }
}
