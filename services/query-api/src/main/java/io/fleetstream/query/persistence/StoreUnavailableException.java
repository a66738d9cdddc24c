package io.fleetstream.query.persistence;

/** PostgreSQL is unreachable, overloaded, or the sink has not created the telemetry tables yet: answer 503. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
