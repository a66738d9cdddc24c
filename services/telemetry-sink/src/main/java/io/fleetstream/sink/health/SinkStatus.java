package io.fleetstream.sink.health;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicReference;

/** What the consumer loop reports about itself, read by the readiness check. */
@ApplicationScoped
public class SinkStatus {

    private final AtomicReference<String> problem = new AtomicReference<>("consumer not started");

    /** The loop is subscribed and its last batch (if any) was written. */
    public void healthy() {
        problem.set(null);
    }

    /** The loop cannot make progress; {@code reason} names what is affected. */
    public void degraded(String reason) {
        problem.set(reason);
    }

    /** Null when healthy, otherwise why the sink is not ready. */
    public String problem() {
        return problem.get();
    }
}
