package io.fleetstream.gateway.http;

/** What the credential presented with a request says about its sender. */
public sealed interface AuthOutcome {

    /** The token belongs to a valid credential of {@code deviceId}. */
    record Authenticated(String deviceId, String credentialId) implements AuthOutcome {}

    /**
     * The request cannot be attributed to a device: answered with 401.
     *
     * @param detail what is wrong and how to fix it; never contains the token
     * @param tokenPresented whether the request carried a bearer token at all (decides the WWW-Authenticate error)
     */
    record Rejected(String detail, boolean tokenPresented) implements AuthOutcome {}

    /**
     * The credential is valid but its device may not send telemetry (not active, or not registered): answered with
     * 403.
     *
     * @param detail what the operator must do; never contains the token
     */
    record Forbidden(String detail) implements AuthOutcome {}

    /**
     * The answer depends on registry records the gateway has not finished loading: answered with 503.
     *
     * @param detail what is still loading
     */
    record NotReady(String detail) implements AuthOutcome {}
}
