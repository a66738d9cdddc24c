package io.fleetstream.query.auth;

import jakarta.enterprise.context.RequestScoped;

/** The operator of the request being served, set by the authentication filter before any endpoint runs. */
@RequestScoped
public class CurrentOperator {

    private Operator operator;

    public Operator get() {
        if (operator == null) {
            throw new IllegalStateException("no authenticated operator in this request");
        }
        return operator;
    }

    public void set(Operator operator) {
        this.operator = operator;
    }
}
