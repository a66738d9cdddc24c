package io.fleetstream.registry.domain;

/** A bulk request with more items than one request may carry; answered with 413 stating the limit. */
public class TooManyItemsException extends RuntimeException {

    public TooManyItemsException(String message) {
        super(message);
    }
}
