package io.fleetstream.query.auth;

/** What authenticating one request came to. */
public sealed interface AuthOutcome {

    /** The key is known, current and unrevoked. */
    record Authenticated(Operator operator) implements AuthOutcome {}

    /**
     * The request is refused with 401; {@code reason} is a fixed word for the metric tag, {@code detail} says how to
     * fix it and never contains the key.
     */
    record Rejected(String reason, String detail) implements AuthOutcome {}

    /** The key changelog has not been read up to where it stood at start, so no key can be judged yet (503). */
    record NotReady() implements AuthOutcome {}
}
