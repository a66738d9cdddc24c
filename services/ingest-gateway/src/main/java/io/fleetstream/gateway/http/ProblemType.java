package io.fleetstream.gateway.http;

import java.net.URI;

/** The kinds of problem the gateway answers with; the URI identifies the kind for clients that branch on it. */
public enum ProblemType {
    INVALID_READINGS(400, "invalid-readings", "The telemetry is invalid"),
    MALFORMED_JSON(400, "malformed-json", "The body is not well-formed JSON"),
    UNAUTHORIZED(401, "unauthorized", "The device is not authenticated"),
    FORBIDDEN(403, "device-not-active", "The device may not send telemetry"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The body is not JSON"),
    RATE_LIMITED(429, "rate-limited", "The device sends faster than its rate limit"),
    BAD_REQUEST(400, "bad-request", "Bad request"),
    INTERNAL(500, "internal", "Internal error"),
    UNAVAILABLE(503, "unavailable", "Telemetry cannot be accepted right now");

    private final int status;
    private final URI uri;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.uri = URI.create("urn:fleetstream:problem:" + slug);
        this.title = title;
    }

    public int status() {
        return status;
    }

    public URI uri() {
        return uri;
    }

    public String title() {
        return title;
    }
}
