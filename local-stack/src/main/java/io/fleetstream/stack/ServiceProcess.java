package io.fleetstream.stack;

import io.fleetstream.infra.OrphanGuard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Fleetstream service running as its own JVM: {@code java -Xmx.. -D<config> -jar quarkus-run.jar}. Secrets travel
 * in environment variables rather than on the command line, where any local user could read them.
 *
 * <p>Output goes to a log file that a restart appends to, so the story of a fault test stays in one place. Fault
 * tests use {@link #kill()} (SIGKILL, no shutdown at all) and {@link #restart()}.
 */
public final class ServiceProcess {

    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(250);
    private static final int LOG_TAIL_LINES = 60;

    private final ServiceName name;
    private final Path jar;
    private final int port;
    private final String heap;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path logFile;
    private long logStartOffset;
    private final Duration readyTimeout;
    private final Duration stopTimeout;
    private final HttpClient http;

    private Process process;
    private Process guard;

    ServiceProcess(
            ServiceName name,
            Path jar,
            int port,
            String heap,
            Map<String, String> systemProperties,
            Map<String, String> environment,
            Path workingDirectory,
            Path logFile,
            Duration readyTimeout,
            Duration stopTimeout) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.heap = heap;
        this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
        this.logFile = logFile;
        this.readyTimeout = readyTimeout;
        this.stopTimeout = stopTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public ServiceName name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path logFile() {
        return logFile;
    }

    /** The configuration this service is started with, as passed on its command line. */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** The operating-system process id of the running JVM. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name.moduleName() + " has not been started");
        }
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the JVM and waits until {@code GET /q/health/ready} answers 200. */
    public void start() {
        launch();
        awaitReady();
    }

    /** Stops the service gracefully if it runs, then starts it again and waits until it is ready. */
    public void restart() {
        stop();
        start();
    }

    /**
     * Kills the JVM with SIGKILL, as a crash would: no shutdown hooks, no flushing, no goodbye to Kafka.
     *
     * <p>Only this process is killed; children it may have started are not (Quarkus services start none).
     */
    public synchronized void kill() {
        OrphanGuard.stop(guard);
        guard = null;
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Sends SIGTERM and waits for Quarkus to shut down; sends SIGKILL if that takes longer than the stop timeout. */
    public synchronized void stop() {
        OrphanGuard.stop(guard);
        guard = null;
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(stopTimeout)) {
            appendToLog("local-stack: " + name.moduleName() + " did not stop within " + stopTimeout.toSeconds()
                    + " s of SIGTERM; sending SIGKILL");
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
    }

    synchronized void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name.moduleName() + " is already running as process " + process.pid());
        }
        try {
            Files.createDirectories(workingDirectory);
            Files.createDirectories(logFile.getParent());
            appendToLog(
                    "local-stack: starting " + name.moduleName() + " on port " + port + " at " + LocalDateTime.now());
            logStartOffset = Files.size(logFile);
            ProcessBuilder builder = new ProcessBuilder(command())
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name.moduleName() + " from " + jar, e);
        }
        guard = OrphanGuard.watch(process.pid(), "TERM", stopTimeout);
    }

    /** Whether this run of the process has logged that it listens on its port, as Quarkus does once bound. */
    private boolean hasLoggedListening() {
        try (var channel = Files.newByteChannel(logFile)) {
            channel.position(logStartOffset);
            String written = new String(
                    java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            return written.contains("Listening on: http://127.0.0.1:" + port);
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls the readiness endpoint until it answers 200, the process dies or the ready timeout passes. */
    void awaitReady() {
        URI ready = baseUri().resolve("/q/health/ready");
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        int lastStatus = -1;
        String lastError = "no answer yet";
        while (true) {
            Process current;
            synchronized (this) {
                current = process;
            }
            if (current == null || !current.isAlive()) {
                throw new IllegalStateException(name.moduleName() + " exited with code "
                        + (current == null ? "?" : current.exitValue()) + " before it became ready. "
                        + logTail(LOG_TAIL_LINES));
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                lastStatus = response.statusCode();
                // Another process answering on this port (a port handed out twice) must not count as this service
                // being ready: Quarkus logs the address it listens on once it has bound it.
                if (lastStatus == 200 && hasLoggedListening()) {
                    return;
                }
                lastError = "status " + lastStatus + ": " + abbreviate(response.body());
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name.moduleName(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name.moduleName() + " was not ready within " + readyTimeout.toSeconds()
                        + " s (GET " + ready + ", last answer: " + lastError + "). " + logTail(LOG_TAIL_LINES));
            }
            sleep(READY_POLL_INTERVAL);
        }
    }

    /** The last lines of the service log, for error messages. */
    public String logTail(int lines) {
        if (!Files.isRegularFile(logFile)) {
            return "(" + logFile + " does not exist)";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        try (Stream<String> stream = Files.lines(logFile, StandardCharsets.UTF_8)) {
            stream.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e.getMessage() + ")";
        }
        return "Last lines of " + logFile + ":" + System.lineSeparator() + String.join(System.lineSeparator(), last);
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+ExitOnOutOfMemoryError");
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(
                    logFile,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The log line only adds context; the caller's own error or progress does not depend on it.
        }
    }

    private static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name.moduleName() + " on " + baseUri();
    }
}
