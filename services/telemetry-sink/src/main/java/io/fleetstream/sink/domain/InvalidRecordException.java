package io.fleetstream.sink.domain;

/** A record that decoded but cannot be stored; it is dead-lettered with this reason instead of blocking its batch. */
public final class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String reason) {
        super(reason);
    }
}
