package io.fleetstream.registry.domain;

/** A change that the current state of a resource does not allow; answered with 409 and what is allowed. */
public class ForbiddenTransitionException extends ConflictException {

    public ForbiddenTransitionException(String message) {
        super(message);
    }
}
