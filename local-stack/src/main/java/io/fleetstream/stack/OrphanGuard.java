package io.fleetstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A tiny shell process that ends a service once the JVM that started it is gone.
 *
 * <p>The stack's shutdown hook covers normal exits and Ctrl-C, but not a SIGKILL of the JVM that runs it (a test fork
 * that timed out, {@code kill -9} of the demo). Without the guard the services would keep their ports on a machine
 * that others share. The loop ends by itself when the service exits first, so a process id reused later is never
 * signalled.
 */
final class OrphanGuard {

    // $1 = the JVM running the stack, $2 = the service, $3 = seconds between SIGTERM and SIGKILL.
    private static final String SCRIPT = "while kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null;"
            + " do sleep 1; done;"
            + " if ! kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null; then kill -TERM \"$2\"; sleep \"$3\"; kill -KILL \"$2\" 2>/dev/null; fi";

    private OrphanGuard() {}

    static Process watch(long servicePid, Duration grace) {
        ProcessBuilder builder = new ProcessBuilder(
                        "sh",
                        "-c",
                        SCRIPT,
                        "fleetstream-service-guard",
                        Long.toString(ProcessHandle.current().pid()),
                        Long.toString(servicePid),
                        Long.toString(Math.max(1, grace.toSeconds())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the orphan guard for process " + servicePid, e);
        }
    }

    static void stop(Process guard) {
        if (guard != null && guard.isAlive()) {
            guard.destroyForcibly();
        }
    }
}
