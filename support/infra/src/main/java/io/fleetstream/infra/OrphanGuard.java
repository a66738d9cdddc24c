package io.fleetstream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A small shell process that stops a server or service once the JVM that started it is gone. Used for the broker, for
 * PostgreSQL and by the local stack for every service process.
 */
public final class OrphanGuard {

    /**
     * Shell loop that ends a server once the JVM that started it is gone.
     *
     * <p>A JVM shutdown hook covers normal exits and Ctrl-C, but not a SIGKILL of the JVM (for example a surefire fork
     * that timed out). Left alone, such a server would keep its ports and disk until someone noticed it on a machine
     * that other engineers share. {@code $1} is the JVM, {@code $2} the server, {@code $3} the signal that asks
     * it to shut down and {@code $4} the seconds it gets before SIGKILL. The loop also ends when the server
     * exits by itself, and the SIGKILL after the grace period only goes to a server that is still there, so that a
     * reused process id is not signalled later.
     */
    private static final String SCRIPT = "while kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null;"
            + " do sleep 1; done;"
            + " if ! kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null; then"
            + " kill -\"$3\" \"$2\"; waited=0;"
            + " while [ \"$waited\" -lt \"$4\" ] && kill -0 \"$2\" 2>/dev/null;"
            + " do sleep 1; waited=$((waited + 1)); done;"
            + " if kill -0 \"$2\" 2>/dev/null; then kill -KILL \"$2\"; fi; fi";

    private OrphanGuard() {}

    /**
     * Starts a guard that sends {@code signal} to {@code serverPid} when this JVM dies, and SIGKILL after
     * {@code grace}.
     *
     * @return the guard process, which the caller destroys when it stops the server itself
     */
    public static Process watch(long serverPid, String signal, Duration grace) {
        ProcessBuilder builder = new ProcessBuilder(
                        "sh",
                        "-c",
                        SCRIPT,
                        "fleetstream-orphan-guard",
                        Long.toString(ProcessHandle.current().pid()),
                        Long.toString(serverPid),
                        signal,
                        Long.toString(Math.max(1, grace.toSeconds())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the orphan guard for process " + serverPid, e);
        }
    }

    /** Destroys a guard started by {@link #watch}; tolerates {@code null}. */
    public static void stop(Process guard) {
        if (guard != null && guard.isAlive()) {
            guard.destroyForcibly();
        }
    }
}
