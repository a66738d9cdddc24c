package io.fleetstream.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small process and file helpers shared by {@link KafkaBroker} and {@link PostgresServer}. */
final class ProcessSupport {

    private ProcessSupport() {}

    /**
     * Waits for a process that is not a child of this JVM to exit.
     *
     * @return {@code true} if it exited within the timeout
     */
    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(handle)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !isRunning(handle);
            }
        }
        return true;
    }

    /**
     * Whether a process runs, not counting a zombie. A server that daemonises itself (as the postmaster does) is
     * re-parented to the machine's init, which may take seconds to reap it; until then {@link ProcessHandle#isAlive()}
     * still reports the exited process as alive.
     */
    static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            // The state letter follows the command name, which is in parentheses and may itself contain them.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return handle.isAlive();
        }
    }

    /** The current size of a log file, so that later checks look only at what a new start appended. */
    static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Returns the last lines a log file gained since {@code fromOffset}, for error messages: the reason a server did
     * not come up is almost always at the end of its log, and a test report that shows it saves a trip to the file
     * system. Older content is left out because the logs are appended to across restarts.
     */
    static String tail(Path file, long fromOffset, int lines) {
        List<String> all;
        try {
            all = readFrom(file, fromOffset);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
        if (all.isEmpty()) {
            return "(nothing new in " + file + ")";
        }
        return "--- last lines of " + file + " ---" + System.lineSeparator()
                + String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Whether a log file gained a line containing {@code text} since {@code fromOffset}. */
    static boolean contains(Path file, long fromOffset, String text) {
        try {
            return readFrom(file, fromOffset).stream().anyMatch(line -> line.contains(text));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> readFrom(Path file, long fromOffset) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long start = Math.min(fromOffset, channel.size());
            channel.position(start);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) > 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        }
    }

    /** Deletes a directory tree; a missing directory is fine. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    /** Registers a shutdown hook, or returns {@code null} when the JVM is already shutting down. */
    static Thread addShutdownHook(String name, Runnable action) {
        Thread hook = new Thread(action, name);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Removes a hook registered by {@link #addShutdownHook}; a no-op while the JVM is shutting down. */
    static void removeShutdownHook(Thread hook) {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook anyway; the server methods are idempotent.
        }
    }

    static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
