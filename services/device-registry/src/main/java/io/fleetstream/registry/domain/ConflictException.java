package io.fleetstream.registry.domain;

/** The request would create something that already exists; answered with 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
