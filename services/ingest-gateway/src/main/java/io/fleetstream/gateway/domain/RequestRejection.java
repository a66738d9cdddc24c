package io.fleetstream.gateway.domain;

/**
 * Why a telemetry request was refused as a whole. The {@link #tag()} is the {@code reason} label of the rejections
 * counter, so this set is small and fixed: one value per kind of answer, never per message text.
 */
public enum RequestRejection {
    /** 400: the body is not well-formed JSON or a reading breaks a rule. */
    INVALID("invalid"),
    /** 401: no credential, or one that is unknown, revoked, expired, or whose device was deleted. */
    UNAUTHENTICATED("unauthenticated"),
    /** 403: the device is not active (provisioned, suspended, decommissioned or not registered). */
    FORBIDDEN("forbidden"),
    /** 413: more readings or bytes than allowed. */
    TOO_LARGE("too_large"),
    /** 415: the body is not declared as JSON. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    /** 429: the device is over its rate limit. */
    RATE_LIMITED("rate_limited"),
    /** 503: Kafka is unreachable or did not acknowledge, or the registry views have not caught up yet. */
    UNAVAILABLE("unavailable");

    private final String tag;

    RequestRejection(String tag) {
        this.tag = tag;
    }

    /** Metric label value. */
    public String tag() {
        return tag;
    }
}
