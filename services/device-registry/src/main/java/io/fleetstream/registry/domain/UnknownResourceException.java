package io.fleetstream.registry.domain;

/** The request names a device or rule that does not exist; answered with 404. */
public class UnknownResourceException extends RuntimeException {

    public UnknownResourceException(String kind, String id) {
        super(kind + " [" + id + "] does not exist");
    }
}
