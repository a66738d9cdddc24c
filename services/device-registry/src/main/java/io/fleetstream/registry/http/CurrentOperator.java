package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.Actor;
import jakarta.enterprise.context.RequestScoped;

/** The operator key that authenticated the current request, set by {@link OperatorAuthentication}. */
@RequestScoped
public class CurrentOperator {

    private Actor actor;

    void set(Actor actor) {
        this.actor = actor;
    }

    /** Who makes the current request; every registry endpoint is authenticated, so this is never null there. */
    public Actor actor() {
        if (actor == null) {
            throw new IllegalStateException("the request was not authenticated");
        }
        return actor;
    }
}
